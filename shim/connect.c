/* connect: the active open; `local` names the client's end for matching with the server. */
#define _GNU_SOURCE
#include "sl_core.h"

SL_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sl_call c;
	sl_begin(&c, SL_connect);
	int ret = sl_real_connect(fd, addr, len);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		if (!(ret < 0 && c.err == EFAULT))
			sl_kv_addr(&c.b, "addr", addr, len);
		if (ret == 0 || c.err == EINPROGRESS)
			sl_kv_local(&c.b, fd);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
