/* trace: one line into an event. The jansson path here is the reference for what a line means. */
#include "trace.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum trace_parser trace_parser = TRACE_PARSER_AUTO;
bool trace_keep_json = true;

struct arena_block {
	struct arena_block *next;
	size_t cap;
	char mem[];
};

#define ARENA_BLOCK (1u << 10) /* per slot, and there are hundreds of slots */

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->used + n > a->head->cap) {
		/* Blocks are chained, never moved: earlier strings of the line stay valid. */
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		struct arena_block *b = malloc(sizeof(*b) + cap);
		if (!b) {
			fputs("socklens: out of memory\n", stderr);
			exit(2);
		}
		b->next = a->head;
		b->cap = cap;
		a->head = b;
		a->used = 0;
	}
	void *p = a->head->mem + a->used;
	a->used += n;
	return p;
}

void arena_reset(struct arena *a)
{
	/* Keep only the newest block; lines needing more are rare. */
	if (!a->head)
		return;
	struct arena_block *b = a->head->next;
	a->head->next = NULL;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->used = 0;
}

void arena_free(struct arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
}

void trace_event_clear(struct trace_event *ev)
{
	/* 64 bytes at a time, which GCC writes with a few wide stores: one memset of the whole
	 * (464 bytes, for every line) became a rep stos, slow to start (perf: 4% of stats). */
	char *p = (char *)ev;
	for (size_t at = 0; at + 64 <= sizeof(*ev); at += 64)
		memset(p + at, 0, 64);
	memset(p + sizeof(*ev) / 64 * 64, 0, sizeof(*ev) % 64);
	ev->fd = ev->ret = -1;
	ev->tid = ev->seq = -1;
	ev->ppid = ev->fork_of = -1;
	ev->len = ev->newfd = ev->backlog = -1;
	ev->sv[0] = ev->sv[1] = -1;
	ev->addr.port = ev->local.port = ev->peer.port = -1;
}

bool trace_str_eq(struct trace_str s, const char *c)
{
	size_t n = strlen(c);
	return s.p && s.n == n && memcmp(s.p, c, n) == 0;
}

static bool blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

bool trace_parse(const char *line, size_t len, struct trace_event *ev, struct arena *a,
		 struct sbuf *why)
{
	arena_reset(a);
	if (blank(line, len)) {
		trace_event_clear(ev);
		ev->type = TRACE_SKIP;
		return true;
	}
	if (trace_parser != TRACE_PARSER_JANSSON && trace_parse_fast(line, len, ev, a))
		return true;
	if (trace_parser == TRACE_PARSER_FAST) {
		sb_printf(why, "the fast scanner leaves this line to jansson");
		return false;
	}
	arena_reset(a);
	return trace_parse_jansson(line, len, ev, a, why);
}

/* ---- jansson path ---- */

static const char *json_kind(const json_t *j)
{
	static const char *const names[] = {
	    [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array",
	    [JSON_STRING] = "a string",	   [JSON_INTEGER] = "an integer",
	    [JSON_REAL] = "a real number", [JSON_TRUE] = "a boolean",
	    [JSON_FALSE] = "a boolean",	   [JSON_NULL] = "null",
	};
	return names[json_typeof(j)];
}

static struct trace_str jstr(const json_t *j, struct arena *a)
{
	struct trace_str s = {NULL, 0};
	if (!json_is_string(j))
		return s;
	s.n = json_string_length(j);
	char *p = arena_alloc(a, s.n + 1);
	memcpy(p, json_string_value(j), s.n);
	p[s.n] = '\0';
	s.p = p;
	return s;
}

/* A typed top-level key: absent is fine unless required; present with the wrong type is not. */
static bool want(json_t *obj, const char *key, json_type type, bool required, json_t **out,
		 struct sbuf *why)
{
	json_t *j = json_object_get(obj, key);
	*out = j;
	if (!j) {
		if (required)
			sb_printf(why, "key \"%s\" missing", key);
		return !required;
	}
	if (json_typeof(j) != type) {
		static const char *const want_names[] = {
		    [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array",
		    [JSON_STRING] = "a string",	   [JSON_INTEGER] = "an integer",
		    [JSON_REAL] = "a real number", [JSON_TRUE] = "a boolean",
		    [JSON_FALSE] = "a boolean",	   [JSON_NULL] = "null",
		};
		sb_printf(why, "key \"%s\" is %s, expected %s", key, json_kind(j),
			  want_names[type]);
		*out = NULL;
		return false;
	}
	return true;
}

static bool want_int(json_t *obj, const char *key, bool required, int64_t *v, struct sbuf *why)
{
	json_t *j;
	if (!want(obj, key, JSON_INTEGER, required, &j, why))
		return false;
	if (j)
		*v = json_integer_value(j);
	return true;
}

static void arg_int(json_t *args, const char *key, int64_t *v)
{
	json_t *j = json_object_get(args, key);
	if (json_is_integer(j))
		*v = json_integer_value(j);
}

static void arg_addr(json_t *args, const char *key, struct trace_addr *ad, struct arena *a)
{
	json_t *o = json_object_get(args, key);
	if (!json_is_object(o))
		return;
	json_t *fam = json_object_get(o, "family");
	if (json_is_string(fam)) {
		ad->family = jstr(fam, a);
	} else if (json_is_integer(fam)) {
		char *p = arena_alloc(a, 24);
		ad->family.n =
		    (size_t)snprintf(p, 24, "%" PRId64, (int64_t)json_integer_value(fam));
		ad->family.p = p;
	}
	ad->host = jstr(json_object_get(o, "ip"), a);
	arg_int(o, "port", &ad->port);
	arg_int(o, "scope_id", &ad->scope_id);
	struct trace_str path = jstr(json_object_get(o, "path"), a);
	bool is_unix = trace_str_eq(ad->family, "AF_UNIX");
	if (trace_str_eq(ad->family, "AF_INET") && ad->host.p) {
		ad->kind = ADDR_INET;
	} else if (trace_str_eq(ad->family, "AF_INET6") && ad->host.p) {
		ad->kind = ADDR_INET6;
	} else if (is_unix && json_is_true(json_object_get(o, "unnamed"))) {
		ad->kind = ADDR_UNIX_UNNAMED;
	} else if (is_unix && path.p) {
		ad->host = path;
		ad->kind = json_is_true(json_object_get(o, "abstract")) ? ADDR_UNIX_ABSTRACT
									: ADDR_UNIX_PATH;
	} else {
		ad->kind = ADDR_OTHER;
		ad->host.p = NULL;
		ad->host.n = 0;
	}
}

static struct trace_str dump(json_t *j, struct arena *a)
{
	struct trace_str s = {NULL, 0};
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return s;
	s.n = strlen(text);
	char *p = arena_alloc(a, s.n + 1);
	memcpy(p, text, s.n + 1);
	free(text);
	s.p = p;
	return s;
}

static bool parse_call(json_t *root, struct trace_event *ev, struct arena *a, struct sbuf *why)
{
	json_t *j, *args, *bt;
	if (!want(root, "call", JSON_STRING, true, &j, why))
		return false;
	ev->call = jstr(j, a);
	if (!want_int(root, "fd", true, &ev->fd, why) ||
	    !want_int(root, "ret", true, &ev->ret, why) ||
	    !want_int(root, "dur_ns", false, &ev->dur_ns, why))
		return false;
	if (!want(root, "errno", JSON_STRING, false, &j, why))
		return false;
	ev->err = jstr(j, a);
	ev->failed = ev->err.p != NULL;
	if (!want(root, "args", JSON_OBJECT, false, &args, why) ||
	    !want(root, "bt", JSON_ARRAY, false, &bt, why))
		return false;
	ev->ci = tables_call(ev->call.p, ev->call.n);
	if (bt && trace_keep_json)
		ev->bt_json = dump(bt, a);
	if (!args)
		return true;
	if (trace_keep_json)
		ev->args_json = dump(args, a);
	ev->domain = jstr(json_object_get(args, "domain"), a);
	ev->socktype = jstr(json_object_get(args, "type"), a);
	ev->cmd = jstr(json_object_get(args, "cmd"), a);
	ev->data_trunc = json_is_true(json_object_get(args, "data_trunc"));
	arg_int(args, "len", &ev->len);
	arg_int(args, "newfd", &ev->newfd);
	arg_int(args, "backlog", &ev->backlog);
	json_t *sv = json_object_get(args, "sv");
	if (json_is_array(sv) && json_array_size(sv) == 2 &&
	    json_is_integer(json_array_get(sv, 0)) && json_is_integer(json_array_get(sv, 1))) {
		ev->sv[0] = json_integer_value(json_array_get(sv, 0));
		ev->sv[1] = json_integer_value(json_array_get(sv, 1));
	}
	arg_addr(args, "addr", &ev->addr, a);
	arg_addr(args, "local", &ev->local, a);
	arg_addr(args, "peer", &ev->peer, a);
	return true;
}

static bool parse_proc(json_t *root, struct trace_event *ev, struct arena *a, struct sbuf *why)
{
	json_t *exe, *argv;
	if (!want_int(root, "ppid", false, &ev->ppid, why) ||
	    !want_int(root, "fork_of", false, &ev->fork_of, why) ||
	    !want(root, "exe", JSON_STRING, false, &exe, why) ||
	    !want(root, "argv", JSON_ARRAY, false, &argv, why))
		return false;
	ev->exe = jstr(exe, a);
	if (argv) {
		size_t n = json_array_size(argv);
		ev->argv = arena_alloc(a, (n ? n : 1) * sizeof(*ev->argv));
		for (size_t i = 0; i < n; i++) {
			/* Elements of another type are ignored, like unknown keys. */
			struct trace_str s = jstr(json_array_get(argv, i), a);
			if (s.p)
				ev->argv[ev->argc++] = s;
		}
	}
	return true;
}

bool trace_parse_jansson(const char *line, size_t len, struct trace_event *ev, struct arena *a,
			 struct sbuf *why)
{
	json_error_t err;
	trace_event_clear(ev);
	/* NUL is legal in JSON strings, and the shim writes it (abstract socket names). */
	json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &err);
	/* The shim writes a line's first byte last: a line that starts with NUL is one whose
	 * process was killed while writing it. */
	if (!root && len > 0 && line[0] == '\0') {
		sb_printf(why, "unfinished line (its process was killed while writing it)");
		return false;
	}
	if (!root) {
		sb_printf(why, "not JSON: %s", err.text);
		return false;
	}
	bool ok = false;
	json_t *type;
	int64_t v = 0;
	if (!json_is_object(root)) {
		sb_printf(why, "not a JSON object but %s", json_kind(root));
		goto out;
	}
	if (!want_int(root, "v", true, &v, why))
		goto out;
	if (v != 1) {
		sb_printf(why, "format version %" PRId64 " not supported (this reader knows 1)", v);
		goto out;
	}
	if (!want(root, "type", JSON_STRING, true, &type, why))
		goto out;
	static const struct {
		const char *name;
		enum trace_type type;
	} types[] = {{"call", TRACE_CALL}, {"proc", TRACE_PROC}, {"exit", TRACE_EXIT}};
	ev->type = TRACE_SKIP;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(json_string_value(type), types[i].name) == 0)
			ev->type = types[i].type;
	if (ev->type == TRACE_SKIP) {
		ok = true; /* a type from a newer shim: ignored, not an error */
		goto out;
	}
	if (!want_int(root, "pid", true, &ev->pid, why) ||
	    !want_int(root, "ts_ns", true, &ev->ts_ns, why) ||
	    !want_int(root, "tid", false, &ev->tid, why) ||
	    !want_int(root, "seq", false, &ev->seq, why))
		goto out;
	switch (ev->type) {
	case TRACE_CALL:
		ok = parse_call(root, ev, a, why);
		break;
	case TRACE_PROC:
		ok = parse_proc(root, ev, a, why);
		break;
	case TRACE_EXIT:
		ok = want_int(root, "status", false, &ev->status, why);
		break;
	case TRACE_SKIP:
		break;
	}
out:
	json_decref(root);
	return ok;
}
