/* Sink: one write() per line on an O_APPEND descriptor, so lines from every thread and
 * every forked process land whole in one file, and a line is in the kernel's hands the
 * moment the call that produced it returns (SIGKILL loses nothing). */
#define _GNU_SOURCE
#include "sl_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sl_core.h"

static atomic_int sink_fd = -1;
/* Writers between reading sink_fd and finishing their write(); sl_sink_vacate waits for
 * them before the old number is handed to the program. */
static atomic_int sink_writers;

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

int sl_sink_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		      0600);
	if (fd < 0)
		return -1;
	fd = move_high(fd);
	atomic_store(&sink_fd, fd);
	return fd;
}

int sl_sink_fd(void)
{
	return atomic_load_explicit(&sink_fd, memory_order_relaxed);
}

void sl_sink_write(const char *line, size_t len)
{
	atomic_fetch_add(&sink_writers, 1);
	int fd = atomic_load(&sink_fd);
	while (fd >= 0 && len > 0) {
		ssize_t n = sl_real_write(fd, line, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		line += n;
		len -= (size_t)n;
	}
	atomic_fetch_sub(&sink_writers, 1);
}

void sl_sink_vacate(int fd)
{
	int old = atomic_load(&sink_fd);
	if (old < 0 || fd != old)
		return;
	int moved = sl_real_fcntl(old, F_DUPFD_CLOEXEC, old > 64 ? old - 64 : 3);
	atomic_store(&sink_fd, moved);
	/* Bounded: a writer interrupted by the very signal handler that calls us would never
	 * finish, and waiting for it would deadlock. */
	for (int i = 0; i < 100000 && atomic_load(&sink_writers) > 0; i++)
		sched_yield();
	if (moved < 0)
		atomic_store(&sink_fd, -1);
}
