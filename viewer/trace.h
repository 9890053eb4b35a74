/* trace: the second stage — one line of the trace format (docs: trace-format.md) into an event. */
#ifndef SOCKLENS_TRACE_H
#define SOCKLENS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "tables.h"

/* Decoded string bytes (may hold NUL); p is NULL when the key was absent or of another type. */
struct trace_str {
	const char *p;
	size_t n;
};

enum trace_type {
	TRACE_SKIP, /* blank line, or a type this reader does not know: ignored silently */
	TRACE_PROC,
	TRACE_CALL,
	TRACE_EXIT,
};

enum addr_kind {
	ADDR_NONE,
	ADDR_INET,
	ADDR_INET6,
	ADDR_UNIX_PATH,
	ADDR_UNIX_ABSTRACT,
	ADDR_UNIX_UNNAMED,
	ADDR_OTHER,
};

struct trace_addr {
	enum addr_kind kind;
	struct trace_str family; /* as written; for ADDR_OTHER it may be a number's text */
	struct trace_str host;	 /* ip or path */
	int64_t port;
	int64_t scope_id;
};

struct trace_event {
	enum trace_type type;
	int64_t pid, tid, seq, ts_ns;

	/* TRACE_PROC */
	int64_t ppid, fork_of; /* fork_of is -1 unless this is a forked child */
	struct trace_str exe;
	size_t argc;
	struct trace_str *argv;

	/* TRACE_EXIT */
	int64_t status;

	/* TRACE_CALL */
	struct trace_str call;
	const struct call_info *ci;
	int64_t fd, ret, dur_ns;
	struct trace_str err; /* errno name, p == NULL when the call succeeded */
	bool failed;
	/* args that the lanes and renderers use; -1 / ADDR_NONE / NULL when absent */
	struct trace_str domain, socktype, cmd;
	bool data_trunc; /* the payload preview itself is shown from args_json */
	int64_t len, newfd, sv[2], backlog;
	struct trace_addr addr, local, peer;
	/* args and bt as compact JSON text, for detail views and export; NULL when absent */
	struct trace_str args_json, bt_json;
};

/* Chunked scratch memory for one line's decoded strings; reset per line, never moves. */
struct arena {
	struct arena_block *head;
	size_t used;
};
void *arena_alloc(struct arena *a, size_t n);
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

enum trace_parser {
	TRACE_PARSER_AUTO,    /* the fast scanner, jansson decides whatever the scanner cannot */
	TRACE_PARSER_JANSSON, /* jansson for every line (for differential tests) */
	TRACE_PARSER_FAST,    /* the scanner alone; what it leaves to jansson is reported (for
			       * tests: the shim's own lines must all take the fast path) */
};
extern enum trace_parser trace_parser;
/* Whether events carry args_json and bt_json (stats does without, and is faster for it). */
extern bool trace_keep_json;

/*
 * Parses one line. Returns true with *ev filled (type may be TRACE_SKIP), or false with a
 * reason in *why for a line to report and skip. Strings point into the line or the arena.
 * The line's buffer goes on for TRACE_PAD bytes past its end, the first of them '\0' (the
 * others of any value): the fast scanner stops at that NUL, and reads whole 8-byte words,
 * instead of testing the length before every byte.
 */
#define TRACE_PAD 8
bool trace_parse(const char *line, size_t len, struct trace_event *ev, struct arena *a,
		 struct sbuf *why);

/* The two implementations behind trace_parse (the same buffer rule). The fast one returns
 * false when unsure. */
bool trace_parse_fast(const char *line, size_t len, struct trace_event *ev, struct arena *a);
bool trace_parse_jansson(const char *line, size_t len, struct trace_event *ev, struct arena *a,
			 struct sbuf *why);

void trace_event_clear(struct trace_event *ev);

/* True when the string equals the NUL-terminated s. */
bool trace_str_eq(struct trace_str s, const char *c);

/* Human forms used by the detail view and the HTML page (these parse args_json/bt_json). */
void trace_format_args(const struct trace_event *ev, struct sbuf *sb, bool tty);
void trace_format_bt(const struct trace_event *ev, struct sbuf *sb, const char *indent, bool tty);
void trace_format_addr(const struct trace_addr *a, struct sbuf *sb);

/* Time arithmetic on values read from a trace, which may hold any int64: clamped to the int64
 * range instead of overflowing. */
static inline int64_t ns_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static inline int64_t ns_sub(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* When an event ends: a call's start plus its duration (saturating: a trace can hold any
 * int64 in both), anything else at its start. */
static inline int64_t trace_end_ns(const struct trace_event *ev)
{
	int64_t end;
	if (ev->type != TRACE_CALL || ev->dur_ns <= 0)
		return ev->ts_ns;
	if (__builtin_add_overflow(ev->ts_ns, ev->dur_ns, &end))
		return INT64_MAX;
	return end;
}

#endif
