/* accept and accept4: `fd` is the listening socket, `ret` the new connection. */
#define _GNU_SOURCE
#include "sl_core.h"

/* The peer comes from getpeername on the new descriptor rather than the program's buffer,
 * whose size the kernel has overwritten by the time we could read it. */
static int accept_done(struct sl_call *c, int fd, int ret, int flags, bool has_flags)
{
	if (ret >= 0)
		sl_fd_set_socket(ret, true);
	if (sl_line_begin(c, fd, ret)) {
		if (ret >= 0) {
			sl_kv_peer(&c->b, ret);
			sl_kv_local(&c->b, ret);
		}
		if (has_flags)
			sl_kv_flags(&c->b, "flags", &sock_type_flags, (unsigned)flags);
		sl_line_end(c);
	}
	return (int)sl_done(c, ret);
}

SL_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	struct sl_call c;
	sl_begin(&c, SL_accept);
	int ret = sl_real_accept(fd, addr, addrlen);
	sl_returned(&c);
	return accept_done(&c, fd, ret, 0, false);
}

SL_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_accept4);
	int ret = sl_real_accept4(fd, addr, addrlen, flags);
	sl_returned(&c);
	return accept_done(&c, fd, ret, flags, true);
}
