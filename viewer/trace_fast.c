/*
 * trace_fast: the hot path of the trace stage — a one-pass, strict JSON scanner that records
 * tokens (in jsmn's layout) and checks every byte against the grammar as it goes. It first
 * tokenized with jsmn, but jsmn alone costs ~0.6 us per 200-byte line here, more than the
 * whole budget for 1M events/s (docs/performance.md). Whatever this path is not certain about
 * (\u escapes, non-ASCII bytes, real numbers, integers past int64, duplicate keys, any error
 * at all) it hands back, and trace_parse asks jansson: both paths accept, reject and read
 * lines identically, and the golden tests run every case through both.
 */
#include "trace.h"

#include <inttypes.h>
#include <string.h>

enum tok_type { T_OBJECT = 1, T_ARRAY, T_STRING, T_INT, T_LITERAL };

struct tok {
	enum tok_type type;
	int start, end; /* strings: the bytes between the quotes */
	int size;	/* objects: keys; arrays: elements */
	int64_t ival;	/* T_INT: the value, computed while scanning */
};

#define MAX_TOKENS 512
#define MAX_DEPTH  32

struct fast {
	const char *js;
	size_t len;
	struct tok *tok;
	int ntok;
	int next[MAX_TOKENS]; /* index of the token after each token's subtree */
	struct arena *a;
};

static inline size_t skip_ws(const struct fast *f, size_t pos)
{
	while (pos < f->len && (f->js[pos] == ' ' || f->js[pos] == '\t' || f->js[pos] == '\n' ||
				f->js[pos] == '\r'))
		pos++;
	return pos;
}

/*
 * A line-wide check that spares the scanner a test per string byte: raw control bytes and
 * non-ASCII bytes (whose UTF-8 validity jansson judges) send the line to jansson. Eight bytes
 * at a time.
 */
static bool plain_line(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t bad = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		bad |= ((w - ones * 0x20) & ~w & high) | (w & high); /* a byte < 0x20, or >= 0x80 */
	}
	for (; i < n; i++)
		bad |= (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x80;
	return !bad;
}

static int new_tok(struct fast *f, enum tok_type type, size_t start)
{
	if (f->ntok == MAX_TOKENS)
		return -1;
	struct tok *t = &f->tok[f->ntok];
	t->type = type;
	t->start = (int)start;
	t->size = 0;
	return f->ntok++;
}

static inline bool is_escape(char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return true;
	default:
		return false;
	}
}

/*
 * A string body after its opening quote; escapes limited to the short list (no \u). Strings
 * are most of a line's bytes: eight at a time are tested for '"' and '\\' at once (plain_line
 * has ruled out bytes >= 0x80, which the zero-byte trick below would misjudge).
 */
static bool scan_string(struct fast *f, size_t *pos)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	const uint64_t quote = ones * '"', bslash = ones * '\\';
	size_t p = *pos;
	const char *js = f->js;
	for (;;) {
		while (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && p + 8 <= f->len) {
			uint64_t w;
			memcpy(&w, js + p, 8);
			uint64_t a = w ^ quote, b = w ^ bslash;
			uint64_t hit = ((a - ones) & ~a & high) | ((b - ones) & ~b & high);
			if (hit) {
				p += (size_t)__builtin_ctzll(hit) /
				     8; /* little-endian: lowest byte first */
				break;
			}
			p += 8;
		}
		while (p < f->len && js[p] != '"' && js[p] != '\\')
			p++;
		if (p >= f->len)
			return false;
		if (js[p] == '"')
			break;
		if (p + 1 >= f->len || !is_escape(js[p + 1]))
			return false;
		p += 2;
	}
	*pos = p;
	return true;
}

/* One value at *pos (after whitespace); returns its token index or -1. */
static int scan_value(struct fast *f, size_t *pos, int depth)
{
	size_t p = skip_ws(f, *pos);
	if (p >= f->len || depth > MAX_DEPTH)
		return -1;
	const char *js = f->js;
	int ti;
	char c = js[p];
	if (c == '{' || c == '[') {
		bool obj = c == '{';
		ti = new_tok(f, obj ? T_OBJECT : T_ARRAY, p);
		if (ti < 0)
			return -1;
		p = skip_ws(f, p + 1);
		if (p < f->len && js[p] == (obj ? '}' : ']')) {
			p++;
		} else {
			for (;;) {
				if (obj) {
					p = skip_ws(f, p);
					if (p >= f->len || js[p] != '"')
						return -1;
					int k = new_tok(f, T_STRING, p + 1);
					p++;
					if (k < 0 || !scan_string(f, &p))
						return -1;
					f->tok[k].end = (int)p;
					f->next[k] = k + 1;
					p = skip_ws(f, p + 1);
					if (p >= f->len || js[p] != ':')
						return -1;
					p++;
				}
				if (scan_value(f, &p, depth + 1) < 0)
					return -1;
				f->tok[ti].size++;
				p = skip_ws(f, p);
				if (p < f->len && js[p] == ',') {
					p++;
					continue;
				}
				if (p < f->len && js[p] == (obj ? '}' : ']')) {
					p++;
					break;
				}
				return -1;
			}
		}
	} else if (c == '"') {
		ti = new_tok(f, T_STRING, p + 1);
		p++;
		if (ti < 0 || !scan_string(f, &p))
			return -1;
		f->tok[ti].end = (int)p;
		p++;
		f->next[ti] = ti + 1;
		*pos = p;
		return ti;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		/* Integers only, within int64_t; a fraction or exponent is jansson's to read. */
		size_t start = p;
		bool neg = c == '-';
		p += neg;
		size_t d0 = p;
		uint64_t v = 0;
		/* Eight digits at a time (timestamps have 19): Lemire's SWAR check and conversion. */
		while (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && p + 8 <= f->len) {
			uint64_t w;
			memcpy(&w, js + p, 8);
			if (((w & 0xF0F0F0F0F0F0F0F0u) |
			     (((w + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) !=
			    0x3333333333333333u)
				break;
			w -= 0x3030303030303030u;
			w = w * 10 + (w >> 8);
			w = (((w & 0x000000FF000000FFu) * 0x000F424000000064u) +
			     (((w >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >>
			    32;
			v = v * 100000000u + w;
			p += 8;
		}
		while (p < f->len && (unsigned char)(js[p] - '0') < 10)
			v = v * 10 + (uint64_t)(js[p++] - '0');
		size_t digits = p - d0;
		/* 19 digits always fit in uint64_t, so the int64_t limit is one comparison */
		if (digits == 0 || digits > 19 || (js[d0] == '0' && digits > 1) || v > INT64_MAX ||
		    (p < f->len && (js[p] == '.' || js[p] == 'e' || js[p] == 'E')))
			return -1;
		ti = new_tok(f, T_INT, start);
		if (ti < 0)
			return -1;
		f->tok[ti].ival = neg ? -(int64_t)v : (int64_t)v;
	} else {
		size_t n = c == 'f' ? 5 : 4;
		const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
		if (f->len - p < n || memcmp(js + p, lit, n) != 0)
			return -1;
		ti = new_tok(f, T_LITERAL, p);
		if (ti < 0)
			return -1;
		p += n;
	}
	f->tok[ti].end = (int)p;
	f->next[ti] = f->ntok;
	*pos = p;
	return ti;
}

static bool tok_is(const struct fast *f, int ti, const char *s, size_t n)
{
	const struct tok *t = &f->tok[ti];
	const char *p = f->js + t->start;
	/* length and first byte rule out nearly every candidate before memcmp is called */
	if ((size_t)(t->end - t->start) != n)
		return false;
	for (size_t i = 0; i < n; i++) /* keys are short: no memcmp call */
		if (p[i] != s[i])
			return false;
	return true;
}

/* Integer value; false for anything else. */
static bool tok_int(const struct fast *f, int ti, int64_t *v)
{
	if (f->tok[ti].type != T_INT)
		return false;
	*v = f->tok[ti].ival;
	return true;
}

static bool tok_true(const struct fast *f, int ti)
{
	return f->tok[ti].type == T_LITERAL && f->js[f->tok[ti].start] == 't';
}

/* Decoded string; only the escapes check_string allowed can occur. */
static bool tok_str(const struct fast *f, int ti, struct trace_str *out)
{
	const struct tok *t = &f->tok[ti];
	if (t->type != T_STRING)
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
struct key {
	const char *s;
	size_t n;
};
#define KEY(name)                      \
	{                              \
		name, sizeof(name) - 1 \
	}

/* For each first byte, which keys of a table start with it: one or two candidates, not all. */
struct key_index {
	const struct key *keys;
	int nkeys;
	uint32_t by_first[128];
};

static void key_index_init(struct key_index *ki)
{
	if (ki->by_first[(unsigned char)ki->keys[0].s[0]])
		return;
	for (int k = 0; k < ki->nkeys; k++)
		ki->by_first[(unsigned char)ki->keys[k].s[0] & 127] |= 1u << k;
}

static bool obj_keys(const struct fast *f, int ti, struct key_index *ki, int *idx)
{
	key_index_init(ki);
	for (int k = 0; k < ki->nkeys; k++)
		idx[k] = -1;
	int c = ti + 1;
	for (int i = 0; i < f->tok[ti].size; i++) {
		int val = c + 1;
		const struct tok *t = &f->tok[c];
		uint32_t cand =
		    t->end > t->start ? ki->by_first[(unsigned char)f->js[t->start] & 127] : 0;
		while (cand) {
			int k = __builtin_ctz(cand);
			cand &= cand - 1;
			if (tok_is(f, c, ki->keys[k].s, ki->keys[k].n)) {
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
static const struct key addr_keys[A_N] = {
    [A_FAMILY] = KEY("family"),	    [A_IP] = KEY("ip"),	    [A_PORT] = KEY("port"),
    [A_SCOPE] = KEY("scope_id"),    [A_PATH] = KEY("path"), [A_UNNAMED] = KEY("unnamed"),
    [A_ABSTRACT] = KEY("abstract"),
};
static struct key_index addr_index = {addr_keys, A_N, {0}};

/* Same decisions, in the same order, as arg_addr in trace.c. */
static bool fast_addr(const struct fast *f, int ti, struct trace_addr *ad)
{
	if (ti < 0 || f->tok[ti].type != T_OBJECT)
		return true;
	int k[A_N];
	if (!obj_keys(f, ti, &addr_index, k))
		return false;
	int64_t fam;
	if (k[A_FAMILY] >= 0 && !tok_str(f, k[A_FAMILY], &ad->family) &&
	    tok_int(f, k[A_FAMILY], &fam)) {
		char *p = arena_alloc(f->a, 24);
		ad->family.n = (size_t)snprintf(p, 24, "%" PRId64, fam);
		ad->family.p = p;
	}
	struct trace_str path = {NULL, 0};
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
	R_V,
	R_TYPE,
	R_PID,
	R_TID,
	R_SEQ,
	R_TS,
	R_CALL,
	R_FD,
	R_RET,
	R_DUR,
	R_ERRNO,
	R_ARGS,
	R_BT,
	R_PPID,
	R_FORK_OF,
	R_EXE,
	R_ARGV,
	R_STATUS,
	R_N
};
static const struct key root_keys[R_N] = {
    [R_V] = KEY("v"),	     [R_TYPE] = KEY("type"),   [R_PID] = KEY("pid"),
    [R_TID] = KEY("tid"),    [R_SEQ] = KEY("seq"),     [R_TS] = KEY("ts_ns"),
    [R_CALL] = KEY("call"),  [R_FD] = KEY("fd"),       [R_RET] = KEY("ret"),
    [R_DUR] = KEY("dur_ns"), [R_ERRNO] = KEY("errno"), [R_ARGS] = KEY("args"),
    [R_BT] = KEY("bt"),	     [R_PPID] = KEY("ppid"),   [R_FORK_OF] = KEY("fork_of"),
    [R_EXE] = KEY("exe"),    [R_ARGV] = KEY("argv"),   [R_STATUS] = KEY("status"),
};
static struct key_index root_index = {root_keys, R_N, {0}};

enum {
	G_DOMAIN,
	G_TYPE,
	G_CMD,
	G_TRUNC,
	G_LEN,
	G_NEWFD,
	G_BACKLOG,
	G_SV,
	G_ADDR,
	G_LOCAL,
	G_PEER,
	G_N
};
static const struct key arg_keys[G_N] = {
    [G_DOMAIN] = KEY("domain"),	   [G_TYPE] = KEY("type"), [G_CMD] = KEY("cmd"),
    [G_TRUNC] = KEY("data_trunc"), [G_LEN] = KEY("len"),   [G_NEWFD] = KEY("newfd"),
    [G_BACKLOG] = KEY("backlog"),  [G_SV] = KEY("sv"),	   [G_ADDR] = KEY("addr"),
    [G_LOCAL] = KEY("local"),	   [G_PEER] = KEY("peer"),
};
static struct key_index arg_index = {arg_keys, G_N, {0}};

/* An optional integer key: absent is fine, any other type is jansson's to report. */
static bool opt_int(const struct fast *f, int ti, int64_t *v)
{
	return ti < 0 || tok_int(f, ti, v);
}

/*
 * A value as compact JSON written exactly as jansson's json_dumps(JSON_COMPACT) would write
 * it, so that what export and the detail views show does not depend on the path: no
 * whitespace, "\/" as "/", integers in their shortest form. Duplicate keys (jansson keeps the
 * last) and backslashes in keys are left to jansson.
 */
static bool canon(const struct fast *f, int ti, char *out, size_t *o)
{
	const struct tok *t = &f->tok[ti];
	const char *js = f->js;
	switch (t->type) {
	case T_OBJECT:
	case T_ARRAY: {
		bool obj = t->type == T_OBJECT;
		out[(*o)++] = obj ? '{' : '[';
		int c = ti + 1;
		for (int i = 0; i < t->size; i++) {
			if (i)
				out[(*o)++] = ',';
			if (obj) {
				const struct tok *k = &f->tok[c];
				size_t kn = (size_t)(k->end - k->start);
				if (memchr(js + k->start, '\\', kn))
					return false;
				for (int j = ti + 1; j < c; j = f->next[j + 1])
					if (tok_is(f, j, js + k->start, kn))
						return false;
				if (!canon(f, c, out, o))
					return false;
				out[(*o)++] = ':';
				c++;
			}
			if (!canon(f, c, out, o))
				return false;
			c = f->next[c];
		}
		out[(*o)++] = obj ? '}' : ']';
		return true;
	}
	case T_STRING:
		out[(*o)++] = '"';
		for (int i = t->start; i < t->end; i++) {
			if (js[i] == '\\' && js[i + 1] == '/') {
				out[(*o)++] = '/';
				i++;
			} else if (js[i] == '\\') {
				out[(*o)++] = js[i++];
				out[(*o)++] = js[i];
			} else {
				out[(*o)++] = js[i];
			}
		}
		out[(*o)++] = '"';
		return true;
	case T_INT: {
		/* no printf: this runs for every number of every call's arguments */
		char buf[24], *p = buf + sizeof(buf);
		uint64_t u = t->ival < 0 ? (uint64_t)0 - (uint64_t)t->ival : (uint64_t)t->ival;
		do
			*--p = (char)('0' + u % 10);
		while (u /= 10);
		if (t->ival < 0)
			*--p = '-';
		memcpy(out + *o, p, (size_t)(buf + sizeof(buf) - p));
		*o += (size_t)(buf + sizeof(buf) - p);
		return true;
	}
	case T_LITERAL:
		memcpy(out + *o, js + t->start, (size_t)(t->end - t->start));
		*o += (size_t)(t->end - t->start);
		return true;
	}
	return false;
}

/* The canonical text of a value, in the arena (never longer than the value's own text). */
static bool tok_json(const struct fast *f, int ti, struct trace_str *out)
{
	if (!trace_keep_json)
		return true;
	const struct tok *t = &f->tok[ti];
	char *buf = arena_alloc(f->a, (size_t)(t->end - t->start) + 2);
	size_t n = 0;
	if (!canon(f, ti, buf, &n))
		return false;
	buf[n] = '\0';
	out->p = buf;
	out->n = n;
	return true;
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
		if (f->tok[r[R_BT]].type != T_ARRAY)
			return false;
		if (!tok_json(f, r[R_BT], &ev->bt_json))
			return false;
	}
	int ai = r[R_ARGS];
	ev->ci = tables_call(ev->call.p, ev->call.n);
	if (ai < 0)
		return true;
	if (f->tok[ai].type != T_OBJECT)
		return false;
	if (!tok_json(f, ai, &ev->args_json))
		return false;
	int g[G_N];
	if (!obj_keys(f, ai, &arg_index, g))
		return false;
	/* args are read on a best-effort basis: a value of another type counts as absent. */
	if (g[G_DOMAIN] >= 0)
		tok_str(f, g[G_DOMAIN], &ev->domain);
	if (g[G_TYPE] >= 0)
		tok_str(f, g[G_TYPE], &ev->socktype);
	if (g[G_CMD] >= 0)
		tok_str(f, g[G_CMD], &ev->cmd);
	ev->data_trunc = g[G_TRUNC] >= 0 && tok_true(f, g[G_TRUNC]);
	if (g[G_LEN] >= 0)
		tok_int(f, g[G_LEN], &ev->len);
	if (g[G_NEWFD] >= 0)
		tok_int(f, g[G_NEWFD], &ev->newfd);
	if (g[G_BACKLOG] >= 0)
		tok_int(f, g[G_BACKLOG], &ev->backlog);
	int sv = g[G_SV];
	if (sv >= 0 && f->tok[sv].type == T_ARRAY && f->tok[sv].size == 2) {
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
	if (f->tok[ai].type != T_ARRAY)
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
	if (!plain_line(line, len))
		return false;
	struct tok tok[MAX_TOKENS];
	struct fast f;
	f.js = line;
	f.len = len;
	f.tok = tok;
	f.ntok = 0;
	f.a = a;
	size_t pos = 0;
	/* The whole line must be exactly one object. */
	if (scan_value(&f, &pos, 0) != 0 || tok[0].type != T_OBJECT || skip_ws(&f, pos) != len)
		return false;
	trace_event_clear(ev);
	int r[R_N];
	int64_t v;
	struct trace_str type;
	if (!obj_keys(&f, 0, &root_index, r) || r[R_V] < 0 || !tok_int(&f, r[R_V], &v) || v != 1 ||
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
