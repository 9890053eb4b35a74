/* fmt: growable text buffers and the small formatters every renderer shares. */
#include "fmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void sb_grow(struct sbuf *sb, size_t extra)
{
	if (sb->n + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->n + extra + 1)
		cap *= 2;
	char *p = realloc(sb->p, cap);
	if (!p) {
		fputs("socklens: out of memory\n", stderr);
		exit(2);
	}
	sb->p = p;
	sb->cap = cap;
}

void sb_putc(struct sbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->p[sb->n++] = c;
}

void sb_put(struct sbuf *sb, const char *s, size_t n)
{
	if (!n)
		return;
	sb_grow(sb, n);
	memcpy(sb->p + sb->n, s, n);
	sb->n += n;
}

void sb_puts(struct sbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len <= 0)
		return;
	sb_grow(sb, (size_t)len);
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->n, (size_t)len + 1, fmt, ap);
	va_end(ap);
	sb->n += (size_t)len;
}

void sb_put_i64(struct sbuf *sb, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sb_put(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void sb_reset(struct sbuf *sb)
{
	sb->n = 0;
}

void sb_free(struct sbuf *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->n = sb->cap = 0;
}

const char *sb_str(struct sbuf *sb)
{
	sb_grow(sb, 0);
	sb->p[sb->n] = '\0';
	return sb->p;
}

static const char hexdig[] = "0123456789abcdef";

void sb_put_tty(struct sbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			sb_putc(sb, (char)c);
		} else {
			/* Anything else could be a terminal control sequence or a wide glyph. */
			char esc[4] = {'\\', 'x', hexdig[c >> 4], hexdig[c & 15]};
			sb_put(sb, esc, 4);
		}
	}
}

void sb_put_json(struct sbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c);
		} else if (c == '<') {
			/* Keeps "</script>" from ending an inline script in the HTML page. */
			sb_puts(sb, "\\u003c");
		} else {
			sb_putc(sb, (char)c);
		}
	}
}

void sb_put_html(struct sbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '<':
			sb_puts(sb, "&lt;");
			break;
		case '>':
			sb_puts(sb, "&gt;");
			break;
		case '&':
			sb_puts(sb, "&amp;");
			break;
		case '"':
			sb_puts(sb, "&quot;");
			break;
		case '\'':
			sb_puts(sb, "&#39;");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\x%02x", c);
			else
				sb_putc(sb, (char)c);
		}
	}
}

void fmt_dur(struct sbuf *sb, int64_t ns)
{
	static const struct {
		int64_t limit, div;
		const char *unit;
	} units[] = {
	    {1000, 1, "ns"},
	    {1000000, 1000, "us"},
	    {1000000000, 1000000, "ms"},
	    {INT64_MAX, 1000000000, "s"},
	};
	if (ns < 0) {
		sb_putc(sb, '-');
		ns = ns == INT64_MIN ? INT64_MAX : -ns;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns < units[i].limit || units[i].limit == INT64_MAX) {
			/* whole numbers stay whole; others get one decimal below 100 */
			if (ns % units[i].div == 0)
				sb_printf(sb, "%" PRId64 " %s", ns / units[i].div, units[i].unit);
			else
				sb_printf(sb, "%.*f %s", ns / units[i].div >= 100 ? 0 : 1,
					  (double)ns / (double)units[i].div, units[i].unit);
			return;
		}
	}
}

void fmt_bytes(struct sbuf *sb, uint64_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	if (n < 1024) {
		sb_printf(sb, "%" PRIu64 " B", n);
		return;
	}
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	sb_printf(sb, "%.1f %s", v, units[u]);
}

void fmt_reltime(struct sbuf *sb, int64_t ns)
{
	char sign = ns < 0 ? '-' : '+';
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	sb_printf(sb, "%c%" PRIu64 ".%06" PRIu64, sign, a / 1000000000u, a % 1000000000u / 1000u);
}

int64_t fmt_parse_time(const char *s)
{
	static const struct {
		const char *suffix;
		double mul;
	} units[] = {
	    {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1e9},
	};
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0 || v > 9e9)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0)
			return (int64_t)(v * units[i].mul + 0.5);
	return -1;
}

size_t fmt_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

size_t fmt_fit(const char *s, size_t n, size_t cols)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (w == cols)
				return i;
			w++;
		}
	}
	return n;
}

static void out_of_memory(void)
{
	fputs("socklens: out of memory\n", stderr);
	exit(2);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	p = realloc(p, (n ? n : 1) * size);
	if (!p)
		out_of_memory();
	return p;
}

void *xgrow(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : first;
	return xrealloc(v, *cap, size);
}
