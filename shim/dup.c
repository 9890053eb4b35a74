/* dup, dup2 and dup3 of sockets: `fd` is the old descriptor, `ret` the new one. A dup2 onto
 * the sink's number moves the sink away first, so the program gets the number it asked for. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "sl_core.h"
#include "sl_sink.h"

SL_EXPORT int dup(int fd)
{
	struct sl_call c;
	sl_begin(&c, SL_dup);
	if (fd >= 0 && fd == sl_sink_fd()) {
		errno = EBADF; /* the sink's descriptor does not exist for the program */
		return -1;
	}
	bool traced = sl_cfg.on && sl_fd_is_socket(fd);
	int ret = sl_real_dup(fd);
	sl_returned(&c);
	if (ret >= 0)
		sl_fd_copy(fd, ret);
	if (traced && sl_line_begin(&c, fd, ret))
		sl_line_end(&c);
	return (int)sl_done(&c, ret);
}

static int dup_onto(struct sl_call *c, int fd, int newfd, int flags, bool has_flags)
{
	/* Recorded if it copies a socket or closes one by replacing it. */
	bool traced = sl_cfg.on && (sl_fd_is_socket(fd) || sl_fd_is_socket(newfd));
	int sink = sl_sink_fd();
	if (fd >= 0 && fd == sink) {
		errno = EBADF;
		return -1;
	}
	if (newfd >= 0 && newfd == sink && fd != newfd)
		sl_sink_vacate(newfd);
	int ret = has_flags ? sl_real_dup3(fd, newfd, flags) : sl_real_dup2(fd, newfd);
	sl_returned(c);
	if (ret < 0 && newfd == sink && fd != newfd)
		sl_real_close(newfd); /* the sink's old number, now free as the program expects */
	if (ret >= 0)
		sl_fd_copy(fd, ret);
	if (traced && sl_line_begin(c, fd, ret)) {
		sl_kv_int(&c->b, "newfd", newfd);
		if (has_flags)
			sl_kv_flags(&c->b, "flags", &open_flags, (unsigned)flags);
		sl_line_end(c);
	}
	return (int)sl_done(c, ret);
}

SL_EXPORT int dup2(int fd, int newfd)
{
	struct sl_call c;
	sl_begin(&c, SL_dup2);
	return dup_onto(&c, fd, newfd, 0, false);
}

SL_EXPORT int dup3(int fd, int newfd, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_dup3);
	return dup_onto(&c, fd, newfd, flags, true);
}
