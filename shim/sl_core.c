/* Start-up, configuration, process lines and the line skeleton shared by every interposer. */
#define _GNU_SOURCE
#include "sl_core.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sl_sink.h"

struct sl_config sl_cfg;
atomic_bool sl_ready;

static const char *const call_names[SL_NCALLS] = {
#define SL_CALL_NAME(name) [SL_##name] = #name,
    SL_CALLS(SL_CALL_NAME)
#undef SL_CALL_NAME
};
static const unsigned char call_name_len[SL_NCALLS] = {
#define SL_CALL_LEN(name) [SL_##name] = sizeof(#name) - 1,
    SL_CALLS(SL_CALL_LEN)
#undef SL_CALL_LEN
};

/* The process as lines name it; refreshed in a forked child. */
static pid_t self_pid;
static atomic_ullong seq_next;
static SL_TLS pid_t tls_tid;
/* CLOCK_REALTIME of an event is derived from CLOCK_MONOTONIC, so each call reads one clock
 * on each side and ts_ns and dur_ns agree. */
static uint64_t real_base_ns, mono_base_ns;

static char cmdline[4096];
static size_t cmdline_len;
static char exe_path[1024];
static size_t exe_len;

/* Line buffers, claimed lock-free: thread stacks and signal stacks may be small, and large
 * thread-local buffers would make pthread_create fail for threads with small stacks. */
#define SLOTS 128
static char slot_mem[SLOTS][SL_LINE_MAX];
static atomic_bool slot_busy[SLOTS];

static int slot_claim(void)
{
	unsigned start = (unsigned)tls_tid;
	for (unsigned i = 0; i < SLOTS; i++) {
		unsigned s = (start + i) % SLOTS;
		if (!atomic_load_explicit(&slot_busy[s], memory_order_relaxed) &&
		    !atomic_exchange_explicit(&slot_busy[s], true, memory_order_acquire))
			return (int)s;
	}
	return -1;
}

static void slot_release(int s)
{
	atomic_store_explicit(&slot_busy[s], false, memory_order_release);
}

static pid_t current_tid(void)
{
	if (!tls_tid)
		tls_tid = (pid_t)syscall(SYS_gettid);
	return tls_tid;
}

/* Common keys of every line. Returns false when no buffer is free. */
static bool line_open(struct sl_call *c, const char *type, uint64_t mono_ns)
{
	c->slot = slot_claim();
	if (c->slot < 0)
		return false;
	sl_buf_init(&c->b, slot_mem[c->slot], SL_LINE_MAX);
	struct sl_buf *b = &c->b;
	b->p[b->len++] = '{';
	sl_kv_int(b, "v", 1);
	sl_kv_name(b, "type", type);
	sl_kv_int(b, "pid", self_pid);
	sl_kv_int(b, "tid", current_tid());
	sl_kv_uint(b, "seq", atomic_fetch_add(&seq_next, 1));
	sl_kv_uint(b, "ts_ns", real_base_ns + (mono_ns - mono_base_ns));
	return true;
}

/* A call line's first keys, {"v":1,"type":"call","pid":P,"tid":T, are the same for every
 * call of a thread: made once per thread (and again in a forked child) and copied. The length is set last, so a signal handler that interrupts the making finds
 * none and makes its own, identical one. */
static SL_TLS char tls_call_head[64];
static SL_TLS size_t tls_call_head_len;
static SL_TLS struct sl_ts_cache tls_ts;

static bool call_line_open(struct sl_call *c)
{
	if (!tls_call_head_len) {
		struct sl_buf h;
		sl_buf_init(&h, tls_call_head, sizeof(tls_call_head) + SL_LINE_RESERVE);
		h.p[h.len++] = '{';
		sl_kv_int(&h, "v", 1);
		sl_kv_name(&h, "type", "call");
		sl_kv_int(&h, "pid", self_pid);
		sl_kv_int(&h, "tid", current_tid());
		tls_call_head_len = h.len;
	}
	c->slot = slot_claim();
	if (c->slot < 0)
		return false;
	sl_buf_init(&c->b, slot_mem[c->slot], SL_LINE_MAX);
	struct sl_buf *b = &c->b;
	memcpy(b->p, tls_call_head, tls_call_head_len);
	b->len = tls_call_head_len;
	b->comma[0] = true;
	sl_kv_uint(b, "seq", atomic_fetch_add(&seq_next, 1));
	sl_key(b, "ts_ns");
	sl_put_ts(b, real_base_ns + (c->t0 - mono_base_ns), &tls_ts);
	return true;
}

static void line_close(struct sl_call *c, size_t keep_on_overflow)
{
	struct sl_buf *b = &c->b;
	if (b->over) {
		/* Never torn: fall back to the keys written before the part that overflowed. */
		b->len = keep_on_overflow;
		b->over = false;
		b->depth = 0;
		b->comma[0] = true;
		sl_kv_bool(b, "cut", true);
	}
	sl_finish(b);
	sl_sink_write(b->p, b->len);
	slot_release(c->slot);
}

bool sl_line_begin(struct sl_call *c, int fd, long long ret)
{
	if (!sl_wanted(c->id, ret < 0) || !call_line_open(c))
		return false;
	struct sl_buf *b = &c->b;
	sl_kv_namen(b, "call", call_names[c->id], call_name_len[c->id]);
	sl_kv_int(b, "fd", fd);
	sl_kv_int(b, "ret", ret);
	if (ret < 0) {
		const char *name = sl_errno_name(c->err);
		if (name)
			sl_kv_name(b, "errno", name);
		else
			sl_kv_int(b, "errno", c->err);
	}
	sl_kv_uint(b, "dur_ns", c->t1 - c->t0);
	c->keep = b->len;
	sl_obj_open(b, "args");
	return true;
}

void sl_line_end(struct sl_call *c)
{
	struct sl_buf *b = &c->b;
	sl_close(b);
	if (sl_cfg.bt_depth > 0 && !b->over)
		sl_bt_emit(b, sl_cfg.bt_depth);
	line_close(c, c->keep);
}

/* ---- descriptor kinds ---- */

enum { FD_UNKNOWN, FD_SOCKET, FD_OTHER };
#define FDCACHE 65536
static atomic_uchar fd_kind[FDCACHE];

bool sl_fd_is_socket(int fd)
{
	if (fd < 0)
		return false;
	if (fd < FDCACHE) {
		unsigned char k = atomic_load_explicit(&fd_kind[fd], memory_order_relaxed);
		if (k != FD_UNKNOWN)
			return k == FD_SOCKET;
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		return false;
	bool sock = S_ISSOCK(st.st_mode);
	if (fd < FDCACHE)
		atomic_store_explicit(&fd_kind[fd], sock ? FD_SOCKET : FD_OTHER,
				      memory_order_relaxed);
	return sock;
}

bool sl_fd_cached_socket(int fd)
{
	return fd >= 0 && fd < FDCACHE &&
	       atomic_load_explicit(&fd_kind[fd], memory_order_relaxed) == FD_SOCKET;
}

void sl_fd_set_socket(int fd, bool is_socket)
{
	if (fd >= 0 && fd < FDCACHE)
		atomic_store_explicit(&fd_kind[fd], is_socket ? FD_SOCKET : FD_OTHER,
				      memory_order_relaxed);
}

void sl_fd_forget(int fd)
{
	if (fd >= 0 && fd < FDCACHE)
		atomic_store_explicit(&fd_kind[fd], FD_UNKNOWN, memory_order_relaxed);
}

void sl_fd_copy(int from, int to)
{
	if (to < 0 || to >= FDCACHE)
		return;
	unsigned char k = FD_UNKNOWN;
	if (from >= 0 && from < FDCACHE)
		k = atomic_load_explicit(&fd_kind[from], memory_order_relaxed);
	atomic_store_explicit(&fd_kind[to], k, memory_order_relaxed);
}

void sl_kv_local(struct sl_buf *b, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		sl_kv_addr(b, "local", (struct sockaddr *)&ss, len < sizeof(ss) ? len : sizeof(ss));
}

void sl_kv_peer(struct sl_buf *b, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		sl_kv_addr(b, "peer", (struct sockaddr *)&ss, len < sizeof(ss) ? len : sizeof(ss));
}

/* ---- process lines ---- */

static void emit_proc(pid_t fork_of)
{
	struct sl_call c;
	if (!sl_cfg.on || !line_open(&c, "proc", sl_mono_ns()))
		return;
	struct sl_buf *b = &c.b;
	size_t keep = b->len;
	sl_kv_int(b, "ppid", getppid());
	if (fork_of)
		sl_kv_int(b, "fork_of", fork_of);
	sl_kv_strn(b, "exe", exe_path, exe_len);
	sl_arr_open(b, "argv");
	for (size_t i = 0; i < cmdline_len;) {
		size_t n = strnlen(cmdline + i, cmdline_len - i);
		if (sl_buf_room(b) < n + 256) {
			sl_close(b);
			sl_kv_bool(b, "argv_trunc", true);
			break;
		}
		sl_val_strn(b, cmdline + i, n);
		i += n + 1;
	}
	line_close(&c, keep);
}

static void on_fork_child(void)
{
	pid_t parent = self_pid;
	self_pid = getpid();
	tls_call_head_len = 0;
	tls_tid = 0;
	atomic_store(&seq_next, 0);
	/* Buffers other threads held at fork time: those threads do not exist here. */
	for (int i = 0; i < SLOTS; i++)
		atomic_store(&slot_busy[i], false);
	emit_proc(parent);
}

static void on_exit_status(int status, void *arg)
{
	struct sl_call c;
	if (!sl_cfg.on || getpid() != self_pid || !line_open(&c, "exit", sl_mono_ns()))
		return;
	size_t keep = c.b.len;
	sl_kv_int(&c.b, "status", status);
	line_close(&c, keep);
}

/* ---- configuration ---- */

static long env_long(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end) {
		fprintf(stderr, "socklens: %s=%s is not a number; using %ld\n", name, s, def);
		return def;
	}
	return v < min ? min : v > max ? max : v;
}

static uint64_t parse_calls(const char *s)
{
	if (!s || !*s)
		return ~0ULL;
	uint64_t mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int found = 0;
		for (int i = 0; i < SL_NCALLS; i++) {
			if (strlen(call_names[i]) == n && strncmp(call_names[i], s, n) == 0) {
				mask |= 1ULL << i;
				found = 1;
			}
		}
		if (!found && n)
			fprintf(stderr, "socklens: SOCKLENS_CALLS: unknown call '%.*s'\n", (int)n,
				s);
		s += n;
		if (*s == ',')
			s++;
	}
	return mask;
}

static void read_identity(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path));
	exe_len = n > 0 ? (size_t)n : 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while (cmdline_len < sizeof(cmdline)) {
			n = sl_real_read(fd, cmdline + cmdline_len, sizeof(cmdline) - cmdline_len);
			if (n <= 0)
				break;
			cmdline_len += (size_t)n;
		}
		sl_real_close(fd);
	}
}

/* A relative SOCKLENS_OUT is made absolute and exported, so that a daemon that chdirs
 * and then execs still appends to the same file. */
static const char *trace_path(char *abs, size_t size)
{
	const char *out = getenv("SOCKLENS_OUT");
	if (!out || !*out)
		out = "socklens.jsonl";
	if (out[0] == '/')
		return out;
	if (!getcwd(abs, size) || strlen(abs) + strlen(out) + 2 > size)
		return out;
	strcat(abs, "/");
	strcat(abs, out);
	setenv("SOCKLENS_OUT", abs, 1);
	return abs;
}

static void restore_seq(void)
{
	const char *s = getenv(SL_SEQ_ENV);
	if (!s)
		return;
	char *end;
	long pid = strtol(s, &end, 10);
	if (*end == ':' && pid == self_pid)
		atomic_store(&seq_next, strtoull(end + 1, NULL, 10));
	unsetenv(SL_SEQ_ENV);
}

void sl_seq_env(char *out, size_t size)
{
	snprintf(out, size, SL_SEQ_ENV "=%ld:%llu", (long)self_pid,
		 (unsigned long long)atomic_load(&seq_next));
}

static void init_once(void)
{
	int saved = errno;
	sl_real_resolve();
	sl_emit_init();
	self_pid = getpid();
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	mono_base_ns = sl_mono_ns();
	real_base_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;

	/* A set-user-ID program must not write where an unprivileged environment says. */
	if (getauxval(AT_SECURE)) {
		atomic_store(&sl_ready, true);
		errno = saved;
		return;
	}
	sl_cfg.data_limit = (size_t)env_long("SOCKLENS_DATA", 64, 0, 1024);
	sl_cfg.bt_depth = (int)env_long("SOCKLENS_BT", 0, 0, 32);
	sl_cfg.calls = parse_calls(getenv("SOCKLENS_CALLS"));
	sl_cfg.failed_only = env_long("SOCKLENS_FAILED", 0, 0, 1) == 1;
	restore_seq();
	read_identity();
	if (sl_cfg.bt_depth)
		sl_bt_init();

	char abs[4096];
	const char *path = trace_path(abs, sizeof(abs));
	int fd = sl_sink_open(path);
	if (fd < 0) {
		fprintf(stderr, "socklens: cannot open trace file %s: %s; not tracing\n", path,
			strerror(errno));
	} else {
		sl_cfg.on = true;
		pthread_atfork(NULL, NULL, on_fork_child);
		on_exit(on_exit_status, NULL);
	}
	atomic_store(&sl_ready, true);
	emit_proc(0);
	errno = saved;
}

static pthread_once_t init_control = PTHREAD_ONCE_INIT;

void sl_init_slow(void)
{
	pthread_once(&init_control, init_once);
}

__attribute__((constructor)) static void sl_constructor(void)
{
	sl_init_slow();
}
