/* Sink: trace lines are copied straight into a shared mapping of the trace file.
 *
 * Every process that traces into one file shares a small side file in /dev/shm, named by the
 * trace file's device and inode, that holds the cursor: the offset where the next line goes.
 * A writer reserves its line's bytes with one atomic add on the cursor and copies the line
 * into its mapping of the file; the bytes are then in the page cache, so a SIGKILL right after
 * the call returns loses nothing, and lines from any number of threads and processes never
 * interleave. The file is kept written ahead of the cursor with newlines (blank lines, which
 * readers skip), so that whoever reads it while it is being written, or after a traced
 * process was killed, reads valid JSON Lines; each process pre-faults its mapping a chunk
 * ahead, so that copying a line does not take page faults.
 *
 * The users of a trace file are the holders of a shared flock on the side file. The lock is
 * taken on the descriptor the side file is mapped from, and that descriptor is closed at once:
 * the mapping keeps the open file, and with it the lock, alive, in forked children too, until
 * exec or exit. The last user to leave (a clean exit) cuts the newlines after the cursor off
 * and removes the side file. A process killed by a signal leaves them when no other user
 * outlives it; the next process that traces into the same file writes over them.
 *
 * When the mapping cannot be used (not a regular file, no /dev/shm, no read-write access),
 * or SOCKLENS_SINK=write asks for it, the sink is one write() per line on an O_APPEND
 * descriptor instead. */
#define _GNU_SOURCE
#include "sl_sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_core.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define SIDE_MAGIC 0x32766e656c6b636full /* "ocklenv2" */
#define SIDE_SIZE 4096

/* The side file's contents. */
struct side {
	uint64_t magic;
	_Atomic uint64_t cursor; /* lines lie below; the next one starts here */
	_Atomic uint64_t size;	 /* the file is written (with newlines) at least this far */
	_Atomic uint32_t grower; /* pid of the process writing newlines past size, or 0 */
};

/* The file is mapped in 1 GiB segments, each mapped with 1 MiB more so that a line that
 * starts in a segment ends in the same mapping. */
#define SEG_SHIFT 30
#define SEG_SIZE (1ull << SEG_SHIFT)
#define SEG_MAP (SEG_SIZE + (1ull << 20))
#define NSEG 4096
/* Growth step, and how far ahead of the cursor the file is kept written. */
#define GROW (256ull << 10)
#define AHEAD (512ull << 10)
/* Pre-faulting step: each process keeps its page tables filled one chunk ahead. */
#define CHUNK (64ull << 10)

enum { SINK_OFF, SINK_MAP, SINK_APPEND, SINK_LEFT };

static atomic_int mode = SINK_OFF;
static atomic_int sink_fd = -1;
/* Writers inside sl_sink_write; sl_sink_vacate and the exit path wait for them. */
static atomic_int sink_writers;
/* Writers inside late_write: counted apart, so that the exit path does not wait for threads
 * that go on writing while the process exits (their lines take the late path). */
static atomic_int late_writers;
static struct side *side;
static _Atomic(char *) segs[NSEG];
/* This process: page tables filled up to here. */
static _Atomic uint64_t faulted;
/* After the exit path has left: one line at a time (see late_write). */
static atomic_bool late_busy;
static char side_path[64];
/* side_join found no other user: this process set the side file up. */
static bool joined_first;
static pid_t self;
/* What the file is grown with: blank lines. */
static const char newlines[64 << 10] = { [0 ...(64 << 10) - 1] = '\n' };

/* Where the sink lives: as high as the descriptor limit allows (capped, since the kernel
 * sizes each process's descriptor table by its highest descriptor), so that the program's
 * own descriptors get exactly the numbers they get untraced. */
static int move_high(int fd)
{
	struct rlimit rl;
	long top = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		top = (long)rl.rlim_cur;
	if (top > 65536 || rl.rlim_cur == RLIM_INFINITY)
		top = 65536;
	for (long want = top - 1; want > 2 && want >= top - 64; want--) {
		int hi = sl_real_fcntl(fd, F_DUPFD_CLOEXEC, (int)want);
		if (hi >= 0) {
			sl_real_close(fd);
			return hi;
		}
	}
	return fd;
}

static int lock_fd(int fd, int op)
{
	int r;
	while ((r = flock(fd, op)) < 0 && errno == EINTR)
		;
	return r;
}

static char *hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0;
	do
		tmp[n++] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* /dev/shm/socklens-DEV-INO */
static void make_side_path(const struct stat *st)
{
	static const char pre[] = "/dev/shm/socklens-";
	char *p = side_path;
	memcpy(p, pre, sizeof(pre) - 1);
	p = hex(p + sizeof(pre) - 1, (uint64_t)st->st_dev);
	*p++ = '-';
	p = hex(p, (uint64_t)st->st_ino);
	*p = 0;
}

/* Where the last line ends: the newlines (or NULs) of a killed run's growth cut off, and a
 * torn last line ended with a newline so that the next line starts on its own. */
static uint64_t tidy_end(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return 0;
	uint64_t size = (uint64_t)st.st_size, end = size, scanned = 0;
	char buf[4096];
	bool found = false;
	while (end > 0 && scanned < (64u << 20) && !found) {
		size_t n = end < sizeof(buf) ? (size_t)end : sizeof(buf);
		if (pread(fd, buf, n, (off_t)(end - n)) != (ssize_t)n)
			return size;
		size_t i = n;
		while (i > 0 && (buf[i - 1] == '\n' || buf[i - 1] == 0))
			i--;
		found = i > 0;
		end = end - n + i;
		scanned += n;
	}
	if (end == 0)
		return 0;
	char c = 0;
	if (end < size && pread(fd, &c, 1, (off_t)end) != 1)
		return size;
	if (c != '\n' && pwrite(fd, "\n", 1, (off_t)end) != 1)
		return size;
	return end + 1;
}

static bool side_file_ok(int fd, bool check_size)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	       st.st_nlink > 0 && (!check_size || st.st_size >= SIDE_SIZE);
}

static bool fill(int fd, uint64_t from, uint64_t to);

/* Joins the users of the trace file open on fd: takes a share of the side file's lock and
 * maps it. The first user (no one else holds the lock) sets the cursor after the last line
 * of the file. Returns the mapping or NULL. */
static struct side *side_join(int fd)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		int l = open(side_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (l < 0 || !side_file_ok(l, false)) {
			if (l >= 0)
				sl_real_close(l);
			return NULL;
		}
		joined_first = false;
		if (lock_fd(l, LOCK_EX | LOCK_NB) == 0) {
			joined_first = true;
			/* A killed run's growth stays, as newlines the next lines overwrite: cutting
			 * the file here would make a writer that still maps it (a user of a side file
			 * someone removed) fault with SIGBUS past the new end. */
			uint64_t end = tidy_end(fd), size = end;
			struct stat st;
			if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > end &&
			    fill(fd, end, (uint64_t)st.st_size))
				size = (uint64_t)st.st_size;
			struct side init = { .magic = SIDE_MAGIC, .cursor = end, .size = size };
			if (ftruncate(l, SIDE_SIZE) != 0 ||
			    pwrite(l, &init, sizeof(init), 0) != (ssize_t)sizeof(init)) {
				sl_real_close(l);
				return NULL;
			}
			/* Not atomic: between the two, another first user may cut and set up again,
			 * which finds what we wrote and changes nothing. */
			lock_fd(l, LOCK_SH);
		} else if (lock_fd(l, LOCK_SH) != 0) {
			sl_real_close(l);
			return NULL;
		}
		/* Removed by a last user between our open and our lock: start again. */
		if (!side_file_ok(l, true)) {
			sl_real_close(l);
			continue;
		}
		struct side *s = mmap(NULL, SIDE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, l, 0);
		sl_real_close(l); /* the mapping holds the file, and the lock, from here on */
		if (s == MAP_FAILED)
			return NULL;
		if (s->magic != SIDE_MAGIC) {
			munmap(s, SIDE_SIZE);
			continue;
		}
		return s;
	}
	return NULL;
}

/* Called with no share of the lock held: when no one else holds one, cuts the trace file
 * (fd) to the cursor and removes the side file. */
static void finish_if_last(int fd)
{
	int l = open(side_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (l < 0)
		return;
	if (lock_fd(l, LOCK_EX | LOCK_NB) == 0 && side_file_ok(l, true)) {
		struct side s;
		struct stat st;
		if (pread(l, &s, sizeof(s), 0) == (ssize_t)sizeof(s) && s.magic == SIDE_MAGIC &&
		    fstat(fd, &st) == 0 && (uint64_t)st.st_size > s.cursor)
			(void)!ftruncate(fd, (off_t)s.cursor);
		unlink(side_path);
	}
	sl_real_close(l); /* releases the lock */
}

static void pwrite_all(int fd, const char *buf, size_t len, uint64_t off);

static bool fill(int fd, uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t n = to - from < sizeof(newlines) ? (size_t)(to - from) : sizeof(newlines);
		ssize_t w = pwrite(fd, newlines, n, (off_t)from);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		from += (uint64_t)w;
	}
	return true;
}

/* Makes the file written at least `need` bytes far (rounded up to the growth step), with
 * newlines past the cursor. One process grows at a time, so that no newline is ever written
 * over a line: writers copy lines only below the size the grower publishes when it is done.
 * The grower blocks signals meanwhile (a handler that traced a call could wait for itself);
 * the others wait, and take over from a grower that was killed. */
static bool grow_to(struct side *s, uint64_t need, uint64_t step)
{
	for (unsigned spin = 0;; spin++) {
		if (atomic_load(&s->size) >= need)
			return true;
		uint32_t owner = 0;
		if (atomic_compare_exchange_strong(&s->grower, &owner, (uint32_t)self)) {
			sigset_t all, old;
			sigfillset(&all);
			pthread_sigmask(SIG_BLOCK, &all, &old);
			uint64_t size = atomic_load(&s->size);
			bool ok = true;
			if (size < need) {
				uint64_t target = (need + step - 1) / step * step;
				ok = fill(atomic_load(&sink_fd), size, target);
				if (ok)
					atomic_store(&s->size, target);
			}
			atomic_store(&s->grower, 0);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return ok;
		}
		if ((spin & 255) == 255 && (pid_t)owner != self && kill((pid_t)owner, 0) < 0 &&
		    errno == ESRCH)
			atomic_compare_exchange_strong(&s->grower, &owner, 0);
		if (spin > 2000000) /* some seconds: give up rather than hang the program */
			return false;
		sched_yield();
	}
}

static bool grow(struct side *s, uint64_t need)
{
	return grow_to(s, need, GROW);
}

/* The address of file offset `off` in this process, for `len` bytes; maps the segment the
 * first time. NULL when it cannot. */
static char *seg_addr(uint64_t off, size_t len)
{
	uint64_t i = off >> SEG_SHIFT;
	if (i >= NSEG || (off & (SEG_SIZE - 1)) + len > SEG_MAP)
		return NULL;
	char *p = atomic_load_explicit(&segs[i], memory_order_acquire);
	if (!p) {
		char *m = mmap(NULL, SEG_MAP, PROT_READ | PROT_WRITE, MAP_SHARED,
			       atomic_load(&sink_fd), (off_t)(i << SEG_SHIFT));
		if (m == MAP_FAILED)
			return NULL;
		if (atomic_compare_exchange_strong(&segs[i], &p, m))
			p = m;
		else
			munmap(m, SEG_MAP);
	}
	return p + (off & (SEG_SIZE - 1));
}

/* Keeps this process's page tables filled a chunk ahead of `end`, one chunk per call at most,
 * so that copying a line does not fault. Only within the allocated size. */
static void prefault(uint64_t end)
{
	uint64_t f = atomic_load_explicit(&faulted, memory_order_relaxed);
	if (end + CHUNK <= f || f + CHUNK > atomic_load_explicit(&side->size, memory_order_relaxed))
		return;
	if (!atomic_compare_exchange_strong(&faulted, &f, f + CHUNK))
		return;
	char *p = seg_addr(f, CHUNK);
	if (p)
		madvise(p, CHUNK, MADV_POPULATE_WRITE);
}

/* The whole line, at offset off, or appended (write()) when off is OFF_APPEND. */
#define OFF_APPEND UINT64_MAX
static void pwrite_all(int fd, const char *line, size_t len, uint64_t off)
{
	while (fd >= 0 && len > 0) {
		ssize_t n = off == OFF_APPEND ? sl_real_write(fd, line, len)
					  : pwrite(fd, line, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		line += n;
		len -= (size_t)n;
		if (off != OFF_APPEND)
			off += (uint64_t)n;
	}
}

/* Whole or visibly unfinished, never torn. The line's first byte stays NUL until the rest
 * is in place, and the rest is stored strictly front to back (memcpy may store a line's
 * tail before its head): a writer killed in the middle leaves NUL, a prefix of the line,
 * then the newlines that were there, which readers take as one unfinished line and blank
 * lines. */
typedef char __attribute__((vector_size(16), aligned(1), may_alias)) unaligned_v16;

static void copy_line(char *dst, const char *line, size_t len)
{
	dst[0] = '\0';
	atomic_signal_fence(memory_order_seq_cst);
	size_t i = 1;
	unaligned_v16 w;
	for (; i + 16 <= len; i += 16) {
		memcpy(&w, line + i, 16);
		*(volatile unaligned_v16 *)(dst + i) = w;
	}
	if (i < len && len >= 17) {
		/* The last 16 bytes, overlapping what is already there with the same bytes. */
		memcpy(&w, line + len - 16, 16);
		*(volatile unaligned_v16 *)(dst + len - 16) = w;
	} else {
		for (; i < len; i++)
			((volatile char *)dst)[i] = line[i];
	}
	atomic_signal_fence(memory_order_seq_cst);
	((volatile char *)dst)[0] = line[0];
}

static void map_write(const char *line, size_t len)
{
	uint64_t off = atomic_fetch_add_explicit(&side->cursor, len, memory_order_relaxed);
	uint64_t end = off + len;
	uint64_t size = atomic_load_explicit(&side->size, memory_order_acquire);
	/* The line that crosses a chunk boundary keeps the file grown ahead of the cursor. */
	if (end > size || (off / CHUNK != end / CHUNK && end + AHEAD > size)) {
		if (!grow(side, end + AHEAD) && !grow(side, end)) {
			/* No room (ENOSPC) or no grower: pwrite extends the file if it can. */
			pwrite_all(atomic_load(&sink_fd), line, len, off);
			return;
		}
	}
	char *dst = seg_addr(off, len);
	if (!dst) {
		pwrite_all(atomic_load(&sink_fd), line, len, off);
		return;
	}
	copy_line(dst, line, len);
	prefault(end);
}

/* A line after this process has left (written by a library's destructor, or by another
 * thread while the process exits): joins, writes at the cursor and leaves again, growing
 * the file by exactly the line so that no padding is left behind. */
static void late_write(const char *line, size_t len)
{
	for (int i = 0; i < 1000 && atomic_exchange(&late_busy, true); i++)
		sched_yield();
	int fd = atomic_load(&sink_fd);
	struct side *s = side_join(fd);
	if (s) {
		uint64_t off = atomic_fetch_add(&s->cursor, len);
		/* Exactly to its end: no newlines left behind if no one cuts the file after us,
		 * and no grower writes newlines over the line later. */
		grow_to(s, off + len, 1);
		pwrite_all(fd, line, len, off);
		munmap(s, SIDE_SIZE);
		finish_if_last(fd);
	} else {
		struct stat st;
		if (fstat(fd, &st) == 0)
			pwrite_all(fd, line, len, (uint64_t)st.st_size);
	}
	atomic_store(&late_busy, false);
}

static void on_fork_child(void)
{
	self = getpid();
	/* The child's page tables of shared mappings start empty. */
	if (side)
		atomic_store(&faulted, atomic_load(&side->cursor) / CHUNK * CHUNK);
}

/* Removes the side files of other trace files that no process uses any more (left by a
 * killed last user): a side file holds nothing the next first user does not find again in
 * the trace file itself. Bounded; at start-up only (opendir allocates). */
static void sweep_side_files(void)
{
	DIR *d = opendir("/dev/shm");
	if (!d)
		return;
	struct dirent *e;
	char path[sizeof(side_path)];
	for (int n = 0; n < 256 && (e = readdir(d)); n++) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "socklens-", 9) != 0 || len + 10 > sizeof(path))
			continue;
		memcpy(path, "/dev/shm/", 9);
		memcpy(path + 9, e->d_name, len + 1);
		if (strcmp(path, side_path) == 0)
			continue;
		int l = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (l < 0)
			continue;
		if (side_file_ok(l, false) && flock(l, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		sl_real_close(l);
	}
	closedir(d);
}

/* The mapped sink on fd (O_RDWR), or false to fall back to write(). */
static bool map_open(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	make_side_path(&st);
	side = side_join(fd);
	if (!side)
		return false;
	self = getpid();
	/* One chunk to start with: a short-lived process then writes 64 KiB of newlines, not
	 * the full distance ahead, which the first line past a chunk boundary sets up. */
	if (!grow_to(side, atomic_load(&side->cursor) + CHUNK, CHUNK)) {
		munmap(side, SIDE_SIZE);
		side = NULL;
		finish_if_last(fd);
		return false;
	}
	atomic_store(&faulted, atomic_load(&side->cursor) / CHUNK * CHUNK);
	if (joined_first)
		sweep_side_files();
	return true;
}

int sl_sink_open(const char *path)
{
	/* SOCKLENS_SINK=write: one write() per line, for readers that follow the file by its
	 * size (tail -f), which the mapped sink runs ahead of. */
	const char *want = getenv("SOCKLENS_SINK");
	bool mapped = !want || strcmp(want, "write") != 0;
	/* Not even opened read-write unless it is (or will be) a regular file: opening a FIFO
	 * for reading would make its reader see an end of file when we closed it again. */
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		mapped = false;
	int fd = mapped ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600) : -1;
	if (fd >= 0) {
		fd = move_high(fd);
		atomic_store(&sink_fd, fd);
		if (map_open(fd)) {
			pthread_atfork(NULL, NULL, on_fork_child);
			atomic_store(&mode, SINK_MAP);
			return fd;
		}
		atomic_store(&sink_fd, -1);
		sl_real_close(fd);
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return -1;
	fd = move_high(fd);
	atomic_store(&sink_fd, fd);
	atomic_store(&mode, SINK_APPEND);
	return fd;
}

int sl_sink_fd(void)
{
	return atomic_load_explicit(&sink_fd, memory_order_relaxed);
}

void sl_sink_write(const char *line, size_t len)
{
	atomic_fetch_add(&sink_writers, 1);
	switch (atomic_load(&mode)) {
	case SINK_MAP:
		map_write(line, len);
		break;
	case SINK_APPEND:
		pwrite_all(atomic_load(&sink_fd), line, len, OFF_APPEND);
		break;
	case SINK_LEFT:
		atomic_fetch_add(&late_writers, 1);
		atomic_fetch_sub(&sink_writers, 1);
		late_write(line, len);
		atomic_fetch_sub(&late_writers, 1);
		return;
	}
	atomic_fetch_sub(&sink_writers, 1);
}

/* Waits (bounded) for the writers other than the caller's own frames. Bounded: a writer
 * interrupted by the very signal handler that calls us would never finish. */
static bool writers_gone(int own, bool late_too)
{
	for (int i = 0; i < 100000; i++) {
		if (atomic_load(&sink_writers) <= own && (!late_too || !atomic_load(&late_writers)))
			return true;
		sched_yield();
	}
	return false;
}

void sl_sink_vacate(int fd)
{
	int old = atomic_load(&sink_fd);
	if (old < 0 || fd != old)
		return;
	int moved = sl_real_fcntl(old, F_DUPFD_CLOEXEC, old > 64 ? old - 64 : 3);
	atomic_store(&sink_fd, moved);
	writers_gone(0, true);
	if (moved < 0)
		atomic_store(&sink_fd, -1);
}

/* At exit, after the "exit" line (written from an on_exit handler, which runs before the
 * destructors), and from _exit. Lines written after this go through late_write. */
void sl_sink_leave(void)
{
	/* A vfork child shares our memory: leaving from it would unmap the parent's sink. A
	 * forked child has its own `self` (on_fork_child). */
	if (getpid() != self)
		return;
	int expected = SINK_MAP;
	if (!atomic_compare_exchange_strong(&mode, &expected, SINK_LEFT))
		return;
	/* Other threads may still be copying a line: the side mapping stays until they are
	 * done, and if they do not finish, this process stays a user (no cut). */
	if (!writers_gone(0, false))
		return;
	struct side *s = side;
	side = NULL;
	munmap(s, SIDE_SIZE);
	finish_if_last(atomic_load(&sink_fd));
}

__attribute__((destructor)) static void sink_destructor(void)
{
	sl_sink_leave();
}
