/* close, close_range, closefrom and fclose. The sink's own descriptor is never closed by the
 * program: to the program it does not exist (EBADF), as it would not untraced. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "sl_core.h"
#include "sl_sink.h"

SL_EXPORT int close(int fd)
{
	sl_ensure();
	if (fd >= 0 && fd == sl_sink_fd()) {
		errno = EBADF;
		return -1;
	}
	bool traced = sl_traced_fd(SL_close, fd);
	struct sl_call c;
	sl_begin(&c, SL_close);
	int ret = sl_real_close(fd);
	sl_returned(&c);
	sl_fd_forget(fd);
	if (traced && sl_line_begin(&c, fd, ret))
		sl_line_end(&c);
	return (int)sl_done(&c, ret);
}

/* fclose closes its descriptor inside libc, out of our sight: without this, the number
 * would still be taken for a socket when a file reuses it. */
SL_EXPORT int fclose(FILE *f)
{
	sl_ensure();
	int fd = f ? fileno(f) : -1;
	int ret = sl_real_fclose(f);
	int err = errno;
	sl_fd_forget(fd);
	errno = err;
	return ret;
}

#define FD_SCAN_MAX 65536u

/* close_range over [first, last] with the sink's descriptor left out of it. */
static int close_range_around_sink(unsigned first, unsigned last, int flags)
{
	int sink = sl_sink_fd();
	if (!sl_real_close_range) {
		errno = ENOSYS;
		return -1;
	}
	if (sink < 0 || (unsigned)sink < first || (unsigned)sink > last || first > last)
		return sl_real_close_range(first, last, flags);
	int ret = 0;
	if ((unsigned)sink > first)
		ret = sl_real_close_range(first, (unsigned)sink - 1, flags);
	if (ret == 0 && (unsigned)sink < last)
		ret = sl_real_close_range((unsigned)sink + 1, last, flags);
	return ret;
}

static int close_range_traced(unsigned first, unsigned last, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_close_range);
	/* The sockets it closes, so that a reader can end their lanes. */
	int sockets[64];
	int nsock = 0;
	if (sl_cfg.on)
		for (unsigned fd = first; fd <= last && fd < FD_SCAN_MAX && nsock < 64; fd++)
			if ((int)fd != sl_sink_fd() && sl_fd_cached_socket((int)fd))
				sockets[nsock++] = (int)fd;
	int ret = close_range_around_sink(first, last, flags);
	sl_returned(&c);
	if (ret == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		for (unsigned fd = first; fd <= last && fd < FD_SCAN_MAX; fd++)
			if ((int)fd != sl_sink_fd())
				sl_fd_forget((int)fd);
	if (sl_line_begin(&c, (int)first, ret)) {
		sl_kv_uint(&c.b, "last", last);
		sl_kv_int(&c.b, "flags", flags);
		sl_arr_open(&c.b, "sockets");
		for (int i = 0; i < nsock; i++)
			sl_val_int(&c.b, sockets[i]);
		sl_close(&c.b);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}

SL_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	return close_range_traced(first, last, flags);
}

SL_EXPORT void closefrom(int lowfd)
{
	close_range_traced(lowfd < 0 ? 0 : (unsigned)lowfd, ~0u, 0);
}
