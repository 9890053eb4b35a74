/*
 * trace_fast: the hot path of the trace stage. jsmn tokenizes; every byte is then checked
 * against the JSON grammar here, because jsmn alone accepts text that is not JSON. Whatever
 * this path is not certain about (\u escapes, non-ASCII bytes, real numbers, integers past int64,
 * duplicate keys, any error at all) it hands back, and trace_parse asks jansson, so both
 * paths accept, reject and read lines identically.
 */
#include "trace.h"

#include <inttypes.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS /* O(1) instead of a backward scan per comma and bracket */
#include <jsmn.h>

#define MAX_TOKENS 512
#define MAX_DEPTH 32

struct fast {
	const char *js;
	size_t len;
	jsmntok_t *tok;
	int ntok;
	int next[MAX_TOKENS]; /* index of the token after each token's subtree */
	struct arena *a;
};

static size_t skip_ws(const struct fast *f, size_t pos)
{
	while (pos < f->len &&
	       (f->js[pos] == ' ' || f->js[pos] == '\t' || f->js[pos] == '\n' || f->js[pos] == '\r'))
		pos++;
	return pos;
}

/* String body: ASCII only, no control bytes, escapes from the short list (no \u). */
static bool check_string(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x80)
			return false;
		if (c == '\\') {
			if (++i == n || !strchr("\"\\/bfnrt", s[i]) || s[i] == '\0')
				return false;
		}
	}
	return true;
}

/*
 * Primitives: literals, and integers that fit int64_t (no fraction, no exponent). Timestamps
 * have 19 digits, so the limit is checked digit by digit rather than by length alone.
 */
static bool check_primitive(const char *s, size_t n)
{
	if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return true;
	size_t i = s[0] == '-' ? 1 : 0;
	size_t digits = n - i;
	if (digits == 0 || digits > 19)
		return false;
	if (s[i] == '0' && digits > 1)
		return false;
	for (size_t k = i; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	/* INT64_MIN itself is left to jansson, like everything at the edge. */
	return digits < 19 || memcmp(s + i, "9223372036854775807", 19) <= 0;
}

/* Checks token ti's text starting at *pos; returns the next token index or -1. */
static int walk(struct fast *f, int ti, size_t *pos, int depth)
{
	if (ti >= f->ntok || depth > MAX_DEPTH)
		return -1;
	const jsmntok_t *t = &f->tok[ti];
	size_t p = skip_ws(f, *pos);
	int next = ti + 1;
	switch (t->type) {
	case JSMN_STRING:
		if (p >= f->len || f->js[p] != '"' || (size_t)t->start != p + 1 ||
		    (size_t)t->end >= f->len || f->js[t->end] != '"' ||
		    !check_string(f->js + t->start, (size_t)(t->end - t->start)))
			return -1;
		p = (size_t)t->end + 1;
		break;
	case JSMN_PRIMITIVE:
		if ((size_t)t->start != p || t->end <= t->start ||
		    !check_primitive(f->js + t->start, (size_t)(t->end - t->start)))
			return -1;
		p = (size_t)t->end;
		break;
	case JSMN_OBJECT:
	case JSMN_ARRAY: {
		bool obj = t->type == JSMN_OBJECT;
		if ((size_t)t->start != p)
			return -1;
		p++;
		for (int k = 0; k < t->size; k++) {
			if (k > 0) {
				p = skip_ws(f, p);
				if (p >= f->len || f->js[p] != ',')
					return -1;
				p++;
			}
			if (obj) {
				if (next >= f->ntok || f->tok[next].type != JSMN_STRING)
					return -1;
				next = walk(f, next, &p, depth + 1);
				if (next < 0)
					return -1;
				p = skip_ws(f, p);
				if (p >= f->len || f->js[p] != ':')
					return -1;
				p++;
			}
			next = walk(f, next, &p, depth + 1);
			if (next < 0)
				return -1;
		}
		p = skip_ws(f, p);
		if (p >= f->len || f->js[p] != (obj ? '}' : ']') || (size_t)t->end != p + 1)
			return -1;
		p++;
		break;
	}
	default:
		return -1;
	}
	f->next[ti] = next;
	*pos = p;
	return next;
}

static bool tok_is(const struct fast *f, int ti, const char *s, size_t n)
{
	const jsmntok_t *t = &f->tok[ti];
	return (size_t)(t->end - t->start) == n && memcmp(f->js + t->start, s, n) == 0;
}

/* Integer value; false for anything else (literals, and reals never get this far). */
static bool tok_int(const struct fast *f, int ti, int64_t *v)
{
	const jsmntok_t *t = &f->tok[ti];
	const char *s = f->js + t->start;
	if (t->type != JSMN_PRIMITIVE || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		return false;
	bool neg = s[0] == '-';
	int64_t x = 0;
	for (int i = t->start + neg; i < t->end; i++)
		x = x * 10 + (f->js[i] - '0');
	*v = neg ? -x : x;
	return true;
}

static bool tok_true(const struct fast *f, int ti)
{
	return f->tok[ti].type == JSMN_PRIMITIVE && tok_is(f, ti, "true", 4);
}

/* Decoded string; only the escapes check_string allowed can occur. */
static bool tok_str(const struct fast *f, int ti, struct trace_str *out)
{
	const jsmntok_t *t = &f->tok[ti];
	if (t->type != JSMN_STRING)
		return false;
	const char *s = f->js + t->start;
	size_t n = (size_t)(t->end - t->start);
	if (!memchr(s, '\\', n)) {
		out->p = s;
		out->n = n;
		return true;
	}
	char *d = arena_alloc(f->a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			c = to[strchr(from, s[++i]) - from];
		}
		d[o++] = c;
	}
	d[o] = '\0';
	out->p = d;
	out->n = o;
	return true;
}

/*
 * Looks up known keys of the object at ti: idx[k] gets the value token of keys[k], or -1.
 * A known key given twice is left to jansson (which keeps the last one).
 */
static bool obj_keys(const struct fast *f, int ti, const char *const *keys, int nkeys, int *idx)
{
	for (int k = 0; k < nkeys; k++)
		idx[k] = -1;
	int c = ti + 1;
	for (int i = 0; i < f->tok[ti].size; i++) {
		int val = c + 1;
		for (int k = 0; k < nkeys; k++) {
			if (tok_is(f, c, keys[k], strlen(keys[k]))) {
				if (idx[k] >= 0)
					return false;
				idx[k] = val;
				break;
			}
		}
		c = f->next[val];
	}
	return true;
}

enum { A_FAMILY, A_IP, A_PORT, A_SCOPE, A_PATH, A_UNNAMED, A_ABSTRACT, A_N };
static const char *const addr_keys[A_N] = {
	[A_FAMILY] = "family", [A_IP] = "ip",		[A_PORT] = "port",	   [A_SCOPE] = "scope_id",
	[A_PATH] = "path",     [A_UNNAMED] = "unnamed", [A_ABSTRACT] = "abstract",
};

/* Same decisions, in the same order, as arg_addr in trace.c. */
static bool fast_addr(const struct fast *f, int ti, struct trace_addr *ad)
{
	if (ti < 0 || f->tok[ti].type != JSMN_OBJECT)
		return true;
	int k[A_N];
	if (!obj_keys(f, ti, addr_keys, A_N, k))
		return false;
	int64_t fam;
	if (k[A_FAMILY] >= 0 && !tok_str(f, k[A_FAMILY], &ad->family) &&
	    tok_int(f, k[A_FAMILY], &fam)) {
		char *p = arena_alloc(f->a, 24);
		ad->family.n = (size_t)snprintf(p, 24, "%" PRId64, fam);
		ad->family.p = p;
	}
	struct trace_str path = { NULL, 0 };
	if (k[A_IP] >= 0)
		tok_str(f, k[A_IP], &ad->host);
	if (k[A_PORT] >= 0)
		tok_int(f, k[A_PORT], &ad->port);
	if (k[A_SCOPE] >= 0)
		tok_int(f, k[A_SCOPE], &ad->scope_id);
	if (k[A_PATH] >= 0)
		tok_str(f, k[A_PATH], &path);
	bool is_unix = trace_str_eq(ad->family, "AF_UNIX");
	if (trace_str_eq(ad->family, "AF_INET") && ad->host.p) {
		ad->kind = ADDR_INET;
	} else if (trace_str_eq(ad->family, "AF_INET6") && ad->host.p) {
		ad->kind = ADDR_INET6;
	} else if (is_unix && k[A_UNNAMED] >= 0 && tok_true(f, k[A_UNNAMED])) {
		ad->kind = ADDR_UNIX_UNNAMED;
	} else if (is_unix && path.p) {
		ad->host = path;
		ad->kind = k[A_ABSTRACT] >= 0 && tok_true(f, k[A_ABSTRACT]) ? ADDR_UNIX_ABSTRACT
									     : ADDR_UNIX_PATH;
	} else {
		ad->kind = ADDR_OTHER;
		ad->host.p = NULL;
		ad->host.n = 0;
	}
	return true;
}

enum {
	R_V, R_TYPE, R_PID, R_TID, R_SEQ, R_TS, R_CALL, R_FD, R_RET, R_DUR, R_ERRNO, R_ARGS, R_BT,
	R_PPID, R_FORK_OF, R_EXE, R_ARGV, R_STATUS, R_N
};
static const char *const root_keys[R_N] = {
	[R_V] = "v",	       [R_TYPE] = "type",   [R_PID] = "pid",	 [R_TID] = "tid",
	[R_SEQ] = "seq",       [R_TS] = "ts_ns",    [R_CALL] = "call",	 [R_FD] = "fd",
	[R_RET] = "ret",       [R_DUR] = "dur_ns",  [R_ERRNO] = "errno", [R_ARGS] = "args",
	[R_BT] = "bt",	       [R_PPID] = "ppid",   [R_FORK_OF] = "fork_of", [R_EXE] = "exe",
	[R_ARGV] = "argv",     [R_STATUS] = "status",
};

enum {
	G_DOMAIN, G_TYPE, G_CMD, G_DATA, G_TRUNC, G_LEN, G_NEWFD, G_BACKLOG, G_SV, G_ADDR, G_LOCAL,
	G_PEER, G_N
};
static const char *const arg_keys[G_N] = {
	[G_DOMAIN] = "domain", [G_TYPE] = "type",     [G_CMD] = "cmd",	     [G_DATA] = "data",
	[G_TRUNC] = "data_trunc", [G_LEN] = "len",    [G_NEWFD] = "newfd",   [G_BACKLOG] = "backlog",
	[G_SV] = "sv",	       [G_ADDR] = "addr",     [G_LOCAL] = "local",   [G_PEER] = "peer",
};

/* An optional integer key: absent is fine, any other type is jansson's to report. */
static bool opt_int(const struct fast *f, int ti, int64_t *v)
{
	return ti < 0 || tok_int(f, ti, v);
}

static struct trace_str tok_span(const struct fast *f, int ti)
{
	struct trace_str s = { f->js + f->tok[ti].start,
			       (size_t)(f->tok[ti].end - f->tok[ti].start) };
	return s;
}

static bool fast_call(const struct fast *f, const int *r, struct trace_event *ev)
{
	if (r[R_CALL] < 0 || !tok_str(f, r[R_CALL], &ev->call) || r[R_FD] < 0 ||
	    !tok_int(f, r[R_FD], &ev->fd) || r[R_RET] < 0 || !tok_int(f, r[R_RET], &ev->ret) ||
	    !opt_int(f, r[R_DUR], &ev->dur_ns))
		return false;
	if (r[R_ERRNO] >= 0 && !tok_str(f, r[R_ERRNO], &ev->err))
		return false;
	ev->failed = ev->err.p != NULL;
	if (r[R_BT] >= 0) {
		if (f->tok[r[R_BT]].type != JSMN_ARRAY)
			return false;
		ev->bt_json = tok_span(f, r[R_BT]);
	}
	int ai = r[R_ARGS];
	ev->ci = tables_call(ev->call.p, ev->call.n);
	if (ai < 0)
		return true;
	if (f->tok[ai].type != JSMN_OBJECT)
		return false;
	ev->args_json = tok_span(f, ai);
	int g[G_N];
	if (!obj_keys(f, ai, arg_keys, G_N, g))
		return false;
	/* args are read on a best-effort basis: a value of another type counts as absent. */
	if (g[G_DOMAIN] >= 0)
		tok_str(f, g[G_DOMAIN], &ev->domain);
	if (g[G_TYPE] >= 0)
		tok_str(f, g[G_TYPE], &ev->socktype);
	if (g[G_CMD] >= 0)
		tok_str(f, g[G_CMD], &ev->cmd);
	if (g[G_DATA] >= 0)
		tok_str(f, g[G_DATA], &ev->data);
	ev->data_trunc = g[G_TRUNC] >= 0 && tok_true(f, g[G_TRUNC]);
	if (g[G_LEN] >= 0)
		tok_int(f, g[G_LEN], &ev->len);
	if (g[G_NEWFD] >= 0)
		tok_int(f, g[G_NEWFD], &ev->newfd);
	if (g[G_BACKLOG] >= 0)
		tok_int(f, g[G_BACKLOG], &ev->backlog);
	int sv = g[G_SV];
	if (sv >= 0 && f->tok[sv].type == JSMN_ARRAY && f->tok[sv].size == 2) {
		int64_t a, b;
		if (tok_int(f, sv + 1, &a) && tok_int(f, f->next[sv + 1], &b)) {
			ev->sv[0] = a;
			ev->sv[1] = b;
		}
	}
	return fast_addr(f, g[G_ADDR], &ev->addr) && fast_addr(f, g[G_LOCAL], &ev->local) &&
	       fast_addr(f, g[G_PEER], &ev->peer);
}

static bool fast_proc(const struct fast *f, const int *r, struct trace_event *ev)
{
	if (!opt_int(f, r[R_PPID], &ev->ppid) || !opt_int(f, r[R_FORK_OF], &ev->fork_of))
		return false;
	if (r[R_EXE] >= 0 && !tok_str(f, r[R_EXE], &ev->exe))
		return false;
	int ai = r[R_ARGV];
	if (ai < 0)
		return true;
	if (f->tok[ai].type != JSMN_ARRAY)
		return false;
	int n = f->tok[ai].size;
	ev->argv = arena_alloc(f->a, (size_t)(n ? n : 1) * sizeof(*ev->argv));
	for (int i = 0, c = ai + 1; i < n; i++, c = f->next[c])
		if (tok_str(f, c, &ev->argv[ev->argc]))
			ev->argc++;
	return true;
}

bool trace_parse_fast(const char *line, size_t len, struct trace_event *ev, struct arena *a)
{
	jsmntok_t tok[MAX_TOKENS];
	struct fast f = { .js = line, .len = len, .tok = tok, .a = a };
	jsmn_parser p;
	jsmn_init(&p);
	f.ntok = jsmn_parse(&p, line, len, tok, MAX_TOKENS);
	if (f.ntok <= 0 || tok[0].type != JSMN_OBJECT)
		return false;
	size_t pos = 0;
	/* The whole line must be exactly one value that uses every token. */
	if (walk(&f, 0, &pos, 0) != f.ntok || skip_ws(&f, pos) != len)
		return false;
	trace_event_clear(ev);
	int r[R_N];
	int64_t v;
	struct trace_str type;
	if (!obj_keys(&f, 0, root_keys, R_N, r) || r[R_V] < 0 || !tok_int(&f, r[R_V], &v) || v != 1 ||
	    r[R_TYPE] < 0 || !tok_str(&f, r[R_TYPE], &type))
		return false;
	if (trace_str_eq(type, "call"))
		ev->type = TRACE_CALL;
	else if (trace_str_eq(type, "proc"))
		ev->type = TRACE_PROC;
	else if (trace_str_eq(type, "exit"))
		ev->type = TRACE_EXIT;
	else
		return true; /* TRACE_SKIP */
	if (r[R_PID] < 0 || !tok_int(&f, r[R_PID], &ev->pid) || r[R_TS] < 0 ||
	    !tok_int(&f, r[R_TS], &ev->ts_ns) || !opt_int(&f, r[R_TID], &ev->tid) ||
	    !opt_int(&f, r[R_SEQ], &ev->seq))
		return false;
	switch (ev->type) {
	case TRACE_CALL:
		return fast_call(&f, r, ev);
	case TRACE_PROC:
		return fast_proc(&f, r, ev);
	case TRACE_EXIT:
		return opt_int(&f, r[R_STATUS], &ev->status);
	case TRACE_SKIP:
		break;
	}
	return true;
}
