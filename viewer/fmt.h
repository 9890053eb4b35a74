/* fmt: growable text buffers and the small formatters every renderer shares. */
#ifndef SOCKLENS_FMT_H
#define SOCKLENS_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Zeroed memory, or the program ends with "socklens: out of memory" and status 2. */
void *xcalloc(size_t n, size_t size);
#define xzalloc(size) xcalloc(1, (size))
/* p resized to n elements of size bytes; out of memory ends the program as xcalloc does. */
void *xrealloc(void *p, size_t n, size_t size);
/* An array of *cap elements with room made for element n: doubled when full, `first`
 * elements the first time. */
void *xgrow(void *v, size_t n, size_t *cap, size_t first, size_t size);

struct sbuf {
	char *p;
	size_t n, cap;
};

void sb_grow(struct sbuf *sb, size_t extra);
void sb_putc(struct sbuf *sb, char c);
void sb_put(struct sbuf *sb, const char *s, size_t n);
void sb_puts(struct sbuf *sb, const char *s);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct sbuf *sb);
/* A decimal integer, without printf: the exporters write millions of them. */
void sb_put_i64(struct sbuf *sb, int64_t v);
void sb_free(struct sbuf *sb);
/* The contents as a NUL-terminated string (always valid, even when empty). */
const char *sb_str(struct sbuf *sb);

/* Bytes made safe for a terminal: printable ASCII stays, the rest becomes \xNN. */
void sb_put_tty(struct sbuf *sb, const char *s, size_t n);
/* Bytes as the body of a JSON string (no quotes). */
void sb_put_json(struct sbuf *sb, const char *s, size_t n);
/* Bytes as HTML text or attribute value. */
void sb_put_html(struct sbuf *sb, const char *s, size_t n);

/* "1.50 ms", "12 µs"-style durations with ASCII units: ns, us, ms, s. */
void fmt_dur(struct sbuf *sb, int64_t ns);
/* "1.2 KiB"-style sizes. */
void fmt_bytes(struct sbuf *sb, uint64_t n);
/* Seconds with six decimals, signed: "+1.234567". */
void fmt_reltime(struct sbuf *sb, int64_t ns);

/* Parses "1.5s", "200ms", "30us", "100ns", "2" (seconds) into nanoseconds; -1 if malformed. */
int64_t fmt_parse_time(const char *s);

/* Display width of UTF-8 text, counting every code point as one column. */
size_t fmt_width(const char *s, size_t n);
/* Byte length of the longest prefix of s that fits in `cols` columns. */
size_t fmt_fit(const char *s, size_t n, size_t cols);

#endif
