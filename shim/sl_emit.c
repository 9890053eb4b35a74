/* JSON text for trace lines, built without allocation (see sl_emit.h for why). */
#define _GNU_SOURCE
#include "sl_emit.h"

#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/un.h>

static const char hexdig[] = "0123456789abcdef";

void sl_buf_init(struct sl_buf *b, char *mem, size_t size)
{
	b->p = mem;
	b->len = 0;
	b->cap = size - SL_LINE_RESERVE;
	b->over = false;
	b->depth = 0;
	b->comma[0] = false;
}

size_t sl_buf_room(const struct sl_buf *b)
{
	return b->over ? 0 : b->cap - b->len;
}

static void put(struct sl_buf *b, const char *s, size_t n)
{
	if (b->over || n > b->cap - b->len) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void putc_(struct sl_buf *b, char c)
{
	put(b, &c, 1);
}

static void puts_(struct sl_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* "00" to "99": integers are written two digits at a time. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
				     "25262728293031323334353637383940414243444546474849"
				     "50515253545556575859606162636465666768697071727374"
				     "75767778798081828384858687888990919293949596979899";

static const unsigned long long powers_of_10[20] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

/* Digits in v, from its bit length (1233/4096 is just above log10(2)): no loop, since every
 * line carries a 19-digit timestamp. */
static inline size_t count_digits(unsigned long long v)
{
	unsigned t = ((64u - (unsigned)__builtin_clzll(v | 1)) * 1233u) >> 12;
	return t + 1 - ((v | 1) < powers_of_10[t]);
}

/* Writes v (below 10^8) as exactly eight digits at p, without a loop. */
static inline void put_digits8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;
	memcpy(p, digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* Writes v (below 10^8) as its digits, however many, ending at end. */
static inline void put_digits_tail(char *end, uint32_t v)
{
	char *p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
}

/* Straight into the line: the digits are counted first, then written from the last, eight
 * at a time. */
void sl_put_u64(struct sl_buf *b, unsigned long long v)
{
	size_t n = count_digits(v);
	if (b->over || n > b->cap - b->len) {
		b->over = true;
		return;
	}
	char *end = b->p + b->len + n;
	while (v >= 100000000ULL) {
		end -= 8;
		put_digits8(end, (uint32_t)(v % 100000000ULL));
		v /= 100000000ULL;
	}
	put_digits_tail(end, (uint32_t)v);
	b->len += n;
}

/* A timestamp in nanoseconds: the seconds' digits change once a second, so a thread keeps
 * them as text and writes only the nine digits below. A signal handler may refill the cache
 * in between; the seconds are read again after the copy, and on a change the digits are
 * made afresh. */
void sl_put_ts(struct sl_buf *b, unsigned long long ns, struct sl_ts_cache *tc)
{
	unsigned long long sec = ns / 1000000000ULL;
	uint32_t frac = (uint32_t)(ns - sec * 1000000000ULL);
	if (sec == 0 || b->over || b->cap - b->len < 32) {
		sl_put_u64(b, ns);
		return;
	}
	volatile unsigned long long *cached = &tc->sec;
	if (*cached != sec) {
		*cached = 0;
		atomic_signal_fence(memory_order_seq_cst);
		struct sl_buf t;
		sl_buf_init(&t, tc->text, sizeof(tc->text) + SL_LINE_RESERVE);
		sl_put_u64(&t, sec);
		tc->len = (unsigned char)t.len;
		atomic_signal_fence(memory_order_seq_cst);
		*cached = sec;
	}
	char *p = b->p + b->len;
	size_t n = tc->len;
	memcpy(p, tc->text, sizeof(tc->text));
	atomic_signal_fence(memory_order_seq_cst);
	if (*cached != sec) {
		sl_put_u64(b, ns);
		return;
	}
	p[n] = (char)('0' + frac / 100000000u);
	put_digits8(p + n + 1, frac % 100000000u);
	b->len += n + 9;
}

void sl_put_i64(struct sl_buf *b, long long v)
{
	if (v < 0) {
		putc_(b, '-');
		sl_put_u64(b, 0ULL - (unsigned long long)v);
	} else {
		sl_put_u64(b, (unsigned long long)v);
	}
}

static void put_hex(struct sl_buf *b, unsigned long long v)
{
	char tmp[20];
	int i = sizeof(tmp);
	do {
		tmp[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	put(b, tmp + i, sizeof(tmp) - i);
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string body; invalid UTF-8 becomes U+FFFD so every line stays valid UTF-8. */
void sl_put_jstr(struct sl_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	putc_(b, '"');
	for (size_t i = 0; i < n && !b->over;) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			size_t j = i;
			while (j < n && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '"' && s[j] != '\\')
				j++;
			put(b, str + i, j - i);
			i = j;
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			put(b, e, 2);
		} else if (c == '\n') {
			put(b, "\\n", 2);
		} else if (c == '\t') {
			put(b, "\\t", 2);
		} else if (c == '\r') {
			put(b, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hexdig[c >> 4], hexdig[c & 15]};
			put(b, e, 6);
		} else {
			size_t l = utf8_len(s + i, n - i);
			if (l) {
				put(b, str + i, l);
				i += l;
				continue;
			}
			put(b, "\\ufffd", 6);
		}
		i++;
	}
	putc_(b, '"');
}

static void open_level(struct sl_buf *b, const char *key, char open, char closer)
{
	sl_key(b, key);
	if (b->depth + 1 >= SL_NEST_MAX) {
		b->over = true;
		return;
	}
	putc_(b, open);
	b->depth++;
	b->comma[b->depth] = false;
	b->closer[b->depth] = closer;
}

void sl_obj_open(struct sl_buf *b, const char *key)
{
	open_level(b, key, '{', '}');
}

void sl_arr_open(struct sl_buf *b, const char *key)
{
	open_level(b, key, '[', ']');
}

/* Closers always fit: they come out of the reserve when the line is full. */
void sl_close(struct sl_buf *b)
{
	if (b->depth == 0)
		return;
	b->p[b->len++] = b->closer[b->depth--];
}

void sl_finish(struct sl_buf *b)
{
	while (b->depth > 0)
		sl_close(b);
	b->p[b->len++] = '}';
	b->p[b->len++] = '\n';
}

void sl_kv_bool(struct sl_buf *b, const char *key, bool v)
{
	sl_key(b, key);
	puts_(b, v ? "true" : "false");
}

void sl_kv_hex(struct sl_buf *b, const char *key, unsigned long long v)
{
	sl_key(b, key);
	putc_(b, '"');
	put_hex(b, v);
	putc_(b, '"');
}

void sl_kv_xlat(struct sl_buf *b, const char *key, const struct sl_xlat *x, long long v)
{
	const char *name = sl_xlat_name(x, (unsigned long)v);
	sl_key(b, key);
	if (name) {
		putc_(b, '"');
		puts_(b, name);
		putc_(b, '"');
	} else {
		sl_put_i64(b, v);
	}
}

/* Peels known bits off one by one; what is left is printed in hex. */
static void put_flag_bits(struct sl_buf *b, const struct sl_xlat *x, unsigned long v, bool sep)
{
	for (size_t i = 0; i < x->n && v; i++) {
		unsigned long bit = x->e[i].val;
		if (bit && (v & bit) == bit) {
			if (sep)
				putc_(b, '|');
			puts_(b, x->e[i].name);
			sep = true;
			v &= ~bit;
		}
	}
	if (v) {
		if (sep)
			putc_(b, '|');
		put_hex(b, v);
	}
}

void sl_kv_flags(struct sl_buf *b, const char *key, const struct sl_xlat *x, unsigned long v)
{
	sl_key(b, key);
	if (v == 0) {
		putc_(b, '0');
		return;
	}
	putc_(b, '"');
	put_flag_bits(b, x, v, false);
	putc_(b, '"');
}

void sl_kv_open_flags(struct sl_buf *b, const char *key, unsigned long v)
{
	const char *mode = sl_xlat_name(&open_access_modes, v & 3);
	sl_key(b, key);
	putc_(b, '"');
	puts_(b, mode ? mode : "O_ACCMODE");
	put_flag_bits(b, &open_flags, v & ~3UL, true);
	putc_(b, '"');
}

void sl_kv_socktype(struct sl_buf *b, const char *key, int type)
{
	const int flag_bits = SOCK_NONBLOCK | SOCK_CLOEXEC;
	const char *name = sl_xlat_name(&socktypes, (unsigned)(type & ~flag_bits));
	sl_key(b, key);
	if (!name && !(type & flag_bits)) {
		sl_put_i64(b, type);
		return;
	}
	putc_(b, '"');
	if (name)
		puts_(b, name);
	else
		put_hex(b, (unsigned)(type & ~flag_bits));
	put_flag_bits(b, &sock_type_flags, (unsigned)(type & flag_bits), true);
	putc_(b, '"');
}

static void put_ipv4(struct sl_buf *b, const unsigned char *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			putc_(b, '.');
		sl_put_u64(b, a[i]);
	}
}

static void put_hex16(struct sl_buf *b, unsigned v)
{
	char tmp[4];
	int i = 4;
	do {
		tmp[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	put(b, tmp + i, 4 - i);
}

/* RFC 5952 text: the longest run of two or more zero groups becomes "::". */
static void put_ipv6(struct sl_buf *b, const unsigned char *a)
{
	unsigned g[8];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2)
			best = i, bestlen = j - i;
		i = j > i ? j : i + 1;
	}
	bool mapped = best == 0 && bestlen == 5 && g[5] == 0xffff;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			put(b, "::", 2);
			i += bestlen - 1;
			continue;
		}
		if (mapped && i == 6) {
			putc_(b, ':');
			put_ipv4(b, a + 12);
			break;
		}
		if (i && i != best + bestlen)
			putc_(b, ':');
		put_hex16(b, g[i]);
	}
}

void sl_kv_addr(struct sl_buf *b, const char *key, const struct sockaddr *sa, socklen_t len)
{
	sl_obj_open(b, key);
	if (!sa || len < sizeof(sa_family_t)) {
		sl_kv_str(b, "family", "AF_UNSPEC");
		sl_close(b);
		return;
	}
	sl_kv_xlat(b, "family", &addrfams, sa->sa_family);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;
		sl_key(b, "ip");
		putc_(b, '"');
		put_ipv4(b, (const unsigned char *)&in->sin_addr);
		putc_(b, '"');
		sl_kv_int(b, "port", ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		sl_key(b, "ip");
		putc_(b, '"');
		put_ipv6(b, in6->sin6_addr.s6_addr);
		putc_(b, '"');
		sl_kv_int(b, "port", ntohs(in6->sin6_port));
		if (in6->sin6_scope_id)
			sl_kv_uint(b, "scope_id", in6->sin6_scope_id);
	} else if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t plen = len > off ? len - off : 0;
		if (plen > sizeof(un->sun_path))
			plen = sizeof(un->sun_path);
		if (plen == 0) {
			sl_kv_bool(b, "unnamed", true);
		} else if (un->sun_path[0] == '\0') {
			sl_kv_strn(b, "path", un->sun_path + 1, plen - 1);
			sl_kv_bool(b, "abstract", true);
		} else {
			sl_kv_strn(b, "path", un->sun_path, strnlen(un->sun_path, plen));
		}
	}
	sl_close(b);
}

/* Each byte's preview encoding as JSON text (the preview's backslashes doubled), and its
 * length; 1 for the bytes that stand for themselves. Filled once at start-up. */
static char data_text[256][8];
static unsigned char data_len[256];

void sl_emit_init(void)
{
	for (int c = 0; c < 256; c++) {
		char *t = data_text[c];
		if (c == '"') {
			memcpy(t, "\\\"", 2), data_len[c] = 2;
		} else if (c == '\\') {
			memcpy(t, "\\\\\\\\", 4), data_len[c] = 4;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			t[0] = t[1] = '\\';
			t[2] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			data_len[c] = 3;
		} else if (c >= 0x20 && c < 0x7f) {
			t[0] = (char)c, data_len[c] = 1;
		} else {
			t[0] = t[1] = '\\', t[2] = 'x', t[3] = hexdig[c >> 4],
			t[4] = hexdig[c & 15];
			data_len[c] = 5;
		}
	}
}

/* One 8-byte copy from the table per byte: the caller keeps more than 8 bytes free past
 * the room it gives. Stops where the room runs out, and says how many bytes it encoded. */
static size_t put_data_bytes(struct sl_buf *b, const unsigned char *s, size_t n, size_t *room)
{
	if (b->over)
		return 0;
	char *p = b->p + b->len;
	size_t left = *room, done = 0;
	/* The usual case: even five bytes of text per byte fit, so the room is not checked per
	 * byte. */
	if (n * 5 <= left) {
		char *start = p;
		for (const unsigned char *q = s, *end = s + n; q < end; q++) {
			unsigned c = *q; /* once: the stores below may alias the payload */
			memcpy(p, data_text[c], 8);
			p += data_len[c];
		}
		*room = left - (size_t)(p - start);
		b->len = (size_t)(p - b->p);
		return n;
	}
	for (; done < n; done++) {
		size_t l = data_len[s[done]];
		if (l > left)
			break;
		memcpy(p, data_text[s[done]], 8);
		p += l;
		left -= l;
	}
	b->len = (size_t)(p - b->p);
	*room = left;
	return done;
}

void sl_kv_data_iov(struct sl_buf *b, const struct iovec *iov, size_t iovcnt, size_t total,
		    size_t limit)
{
	size_t want = total < limit ? total : limit;
	size_t shown = 0;
	/* Leave room for the closing quote, data_trunc and the rest of the line. */
	size_t room = sl_buf_room(b);
	room = room > 128 ? room - 128 : 0;
	sl_key(b, "data");
	putc_(b, '"');
	for (size_t i = 0; i < iovcnt && shown < want; i++) {
		size_t n = iov[i].iov_len < want - shown ? iov[i].iov_len : want - shown;
		size_t done = put_data_bytes(b, iov[i].iov_base, n, &room);
		shown += done;
		if (done < n)
			break;
	}
	putc_(b, '"');
	if (shown < total)
		sl_kv_bool(b, "data_trunc", true);
}

void sl_kv_data(struct sl_buf *b, const void *p, size_t have, size_t total, size_t limit)
{
	struct iovec iov = {(void *)p, have};
	sl_kv_data_iov(b, &iov, 1, total, limit);
}
