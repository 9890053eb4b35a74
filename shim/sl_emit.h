/* The shim's JSON emitter: appends keys and values to a bounded line buffer.
 * Hand-written rather than jansson because it runs inside interposed calls and signal
 * handlers: no allocation, no locks, no stdio, nothing a handler could re-enter. */
#ifndef SL_EMIT_H
#define SL_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "sl_xlat.h"

#define SL_LINE_MAX 8192
/* Kept free at the end of every line for the closing braces and the cut marker. */
#define SL_LINE_RESERVE 64
#define SL_NEST_MAX	8

struct sl_buf {
	char *p;
	size_t len;
	size_t cap; /* usable bytes, SL_LINE_RESERVE below the real size */
	bool over;  /* some append did not fit */
	int depth;  /* open objects and arrays */
	bool comma[SL_NEST_MAX];
	char closer[SL_NEST_MAX];
};

/* Fills the payload encoding table; called once before the first line. */
void sl_emit_init(void);
void sl_buf_init(struct sl_buf *b, char *mem, size_t size);
size_t sl_buf_room(const struct sl_buf *b);

void sl_obj_open(struct sl_buf *b, const char *key);
void sl_arr_open(struct sl_buf *b, const char *key);
void sl_close(struct sl_buf *b);
/* Closes every open level and the line's object, and ends the line with "\n". */
void sl_finish(struct sl_buf *b);

void sl_kv_bool(struct sl_buf *b, const char *key, bool v);
void sl_put_u64(struct sl_buf *b, unsigned long long v);
void sl_put_i64(struct sl_buf *b, long long v);
struct sl_ts_cache {
	unsigned long long sec; /* 0: empty */
	unsigned char len;
	char text[24];
};
void sl_put_ts(struct sl_buf *b, unsigned long long ns, struct sl_ts_cache *tc);
void sl_put_jstr(struct sl_buf *b, const char *s, size_t n);

/* A key (NULL: an array element) with the comma before it. Inline, so that the length of a
 * literal key is known at compile time: a dozen keys go into every line. */
static inline __attribute__((always_inline)) void sl_key(struct sl_buf *b, const char *key)
{
	size_t n = key ? __builtin_strlen(key) : 0;
	if (b->over || n + 4 > b->cap - b->len) {
		b->over = true;
		return;
	}
	char *p = b->p + b->len;
	if (b->comma[b->depth])
		*p++ = ',';
	b->comma[b->depth] = true;
	if (key) {
		*p++ = '"';
		__builtin_memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
	}
	b->len = (size_t)(p - b->p);
}

static inline __attribute__((always_inline)) void sl_kv_int(struct sl_buf *b, const char *key,
							    long long v)
{
	sl_key(b, key);
	sl_put_i64(b, v);
}

static inline __attribute__((always_inline)) void sl_kv_uint(struct sl_buf *b, const char *key,
							     unsigned long long v)
{
	sl_key(b, key);
	sl_put_u64(b, v);
}

static inline void sl_val_int(struct sl_buf *b, long long v)
{
	sl_kv_int(b, NULL, v);
}

static inline __attribute__((always_inline)) void sl_kv_strn(struct sl_buf *b, const char *key,
							     const char *s, size_t n)
{
	sl_key(b, key);
	sl_put_jstr(b, s, n);
}

static inline __attribute__((always_inline)) void sl_kv_str(struct sl_buf *b, const char *key,
							    const char *s)
{
	sl_kv_strn(b, key, s, __builtin_strlen(s));
}

/* A name from the shim's own tables (calls, errno names, constants): plain ASCII that needs
 * no escaping, so it is copied whole. */
static inline __attribute__((always_inline)) void sl_kv_namen(struct sl_buf *b, const char *key,
							      const char *name, size_t n)
{
	sl_key(b, key);
	if (b->over || n + 2 > b->cap - b->len) {
		b->over = true;
		return;
	}
	char *p = b->p + b->len;
	*p++ = '"';
	__builtin_memcpy(p, name, n);
	p[n] = '"';
	b->len += n + 2;
}

static inline __attribute__((always_inline)) void sl_kv_name(struct sl_buf *b, const char *key,
							     const char *name)
{
	sl_kv_namen(b, key, name, __builtin_strlen(name));
}

static inline void sl_val_strn(struct sl_buf *b, const char *s, size_t n)
{
	sl_kv_strn(b, NULL, s, n);
}

void sl_kv_hex(struct sl_buf *b, const char *key, unsigned long long v);

/* A constant by its name, or its integer value when it has none. */
void sl_kv_xlat(struct sl_buf *b, const char *key, const struct sl_xlat *x, long long v);
/* A flag set "A|B|0x40", or 0 when empty. */
void sl_kv_flags(struct sl_buf *b, const char *key, const struct sl_xlat *x, unsigned long v);
/* open(2) flags: the access mode first, then the flag bits. */
void sl_kv_open_flags(struct sl_buf *b, const char *key, unsigned long v);
/* A socket type with its SOCK_NONBLOCK/SOCK_CLOEXEC bits. */
void sl_kv_socktype(struct sl_buf *b, const char *key, int type);

/* ADDR as the trace format defines it; nothing past len is read. */
void sl_kv_addr(struct sl_buf *b, const char *key, const struct sockaddr *sa, socklen_t len);

/* Payload preview of the first `have` bytes, `total` transferred; adds data_trunc. */
void sl_kv_data(struct sl_buf *b, const void *p, size_t have, size_t total, size_t limit);
void sl_kv_data_iov(struct sl_buf *b, const struct iovec *iov, size_t iovcnt, size_t total,
		    size_t limit);

#endif
