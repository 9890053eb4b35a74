/* The shim's common layer: configuration, the call skeleton shared by every interposer,
 * process lines, descriptor kinds. No interposition happens here. */
#ifndef SL_CORE_H
#define SL_CORE_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sl_emit.h"
#include "sl_real.h"

/* Thread-local state of the shim. initial-exec: reached straight through the thread pointer
 * instead of a __tls_get_addr call on every traced call; the shim is preloaded, never
 * dlopen()ed, so its TLS is part of the initial static block. */
#define SL_TLS __thread __attribute__((tls_model("initial-exec")))

/* Every call a line can name; the filter (SOCKLENS_CALLS) is a bit mask over this list. */
#define SL_CALLS(X)                                                                          \
	X(socket)                                                                            \
	X(socketpair) X(bind) X(connect) X(listen) X(accept) X(accept4) X(send) X(sendto)    \
	    X(sendmsg) X(recv) X(recvfrom) X(recvmsg) X(shutdown) X(fcntl) X(ioctl) X(close) \
		X(close_range) X(dup) X(dup2) X(dup3) X(read) X(write) X(readv) X(writev)    \
		    X(sendfile) X(setsockopt) X(getsockopt)

enum sl_call_id {
#define SL_CALL_ENUM(name) SL_##name,
	SL_CALLS(SL_CALL_ENUM)
#undef SL_CALL_ENUM
	    SL_NCALLS
};

/* Whether fd is a socket, cached per descriptor so reads and writes do not ask the kernel. */
bool sl_fd_is_socket(int fd);

struct sl_config {
	bool on;	   /* a trace file is open */
	size_t data_limit; /* payload preview bytes, 0 = none */
	int bt_depth;	   /* backtrace frames, 0 = none */
	uint64_t calls;	   /* bit per enum sl_call_id */
	bool failed_only;
};
extern struct sl_config sl_cfg;
extern atomic_bool sl_ready;

void sl_init_slow(void);

static inline void sl_ensure(void)
{
	if (__builtin_expect(!atomic_load_explicit(&sl_ready, memory_order_acquire), 0))
		sl_init_slow();
}

static inline uint64_t sl_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define SL_EXPORT __attribute__((visibility("default")))

/* Whether a call on fd that only matters for sockets (read, write, close…) is recorded. */
static inline bool sl_traced_fd(int id, int fd)
{
	sl_ensure();
	return sl_cfg.on && (sl_cfg.calls >> id & 1) && sl_fd_is_socket(fd);
}

/* One intercepted call in flight: the skeleton every interposer follows is
 *   sl_begin(); real call; sl_returned(); [sl_line_begin() args… sl_line_end()]; sl_done(). */
struct sl_call {
	int id;
	int err;
	uint64_t t0, t1;
	int slot;
	size_t keep; /* where the line is cut back to if the args overflow */
	struct sl_buf b;
};

static inline void sl_begin(struct sl_call *c, int id)
{
	sl_ensure();
	c->id = id;
	c->t0 = sl_mono_ns();
}

/* Saves errno at once, before anything else can touch it. */
static inline void sl_returned(struct sl_call *c)
{
	c->err = errno;
	c->t1 = sl_mono_ns();
}

static inline bool sl_wanted(int id, bool failed)
{
	return sl_cfg.on && (sl_cfg.calls >> id & 1) && (failed || !sl_cfg.failed_only);
}

/* Starts the line (common keys, then opens "args") when the call is to be recorded. */
bool sl_line_begin(struct sl_call *c, int fd, long long ret);
/* Closes args, adds the backtrace, hands the whole line to the sink. */
void sl_line_end(struct sl_call *c);

static inline long long sl_done(struct sl_call *c, long long ret)
{
	errno = c->err;
	return ret;
}

void sl_fd_set_socket(int fd, bool is_socket);
/* Only what the cache already knows; never asks the kernel. */
bool sl_fd_cached_socket(int fd);
void sl_fd_forget(int fd);
void sl_fd_copy(int from, int to);

/* `local`: the address the kernel bound to fd (one getsockname). */
void sl_kv_local(struct sl_buf *b, int fd);
void sl_kv_peer(struct sl_buf *b, int fd);

/* Used by the exec family to carry the sequence number into the next image. */
void sl_seq_env(char *out, size_t size);
#define SL_SEQ_ENV "SOCKLENS_SEQ"

/* Backtrace of the caller, innermost first, frames inside the shim left out. */
void sl_bt_emit(struct sl_buf *b, int depth);
void sl_bt_init(void);

#endif
