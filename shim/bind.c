/* bind and listen: a socket given its address (`local`: the one it got), then made passive. */
#define _GNU_SOURCE
#include "sl_core.h"

SL_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sl_call c;
	sl_begin(&c, SL_bind);
	int ret = sl_real_bind(fd, addr, len);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		/* The kernel could not read the address: neither can we. */
		if (!(ret < 0 && c.err == EFAULT))
			sl_kv_addr(&c.b, "addr", addr, len);
		/* What the kernel chose for port 0 (or an unspecified address). */
		if (ret == 0)
			sl_kv_local(&c.b, fd);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}

SL_EXPORT int listen(int fd, int backlog)
{
	struct sl_call c;
	sl_begin(&c, SL_listen);
	int ret = sl_real_listen(fd, backlog);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		sl_kv_int(&c.b, "backlog", backlog);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
