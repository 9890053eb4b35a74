/* send, sendto and sendmsg: data out through a socket. */
#define _GNU_SOURCE
#include "sl_msg.h"

static ssize_t send_done(struct sl_call *c, int fd, ssize_t ret, const void *buf, size_t len,
			 int flags, const struct sockaddr *addr, socklen_t addrlen)
{
	if (sl_line_begin(c, fd, ret)) {
		struct sl_buf *b = &c->b;
		sl_kv_uint(b, "len", len);
		sl_kv_flags(b, "flags", &msg_flags, (unsigned)flags);
		sl_kv_data_moved(b, buf, ret);
		if (addr && !(ret < 0 && c->err == EFAULT))
			sl_kv_addr(b, "addr", addr, addrlen);
		sl_line_end(c);
	}
	return (ssize_t)sl_done(c, ret);
}

SL_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_send);
	ssize_t ret = sl_real_send(fd, buf, len, flags);
	sl_returned(&c);
	return send_done(&c, fd, ret, buf, len, flags, NULL, 0);
}

SL_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			 const struct sockaddr *addr, socklen_t addrlen)
{
	struct sl_call c;
	sl_begin(&c, SL_sendto);
	ssize_t ret = sl_real_sendto(fd, buf, len, flags, addr, addrlen);
	sl_returned(&c);
	return send_done(&c, fd, ret, buf, len, flags, addr, addrlen);
}

SL_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_sendmsg);
	ssize_t ret = sl_real_sendmsg(fd, msg, flags);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		if (!(ret < 0 && (c.err == EFAULT || c.err == EINVAL)))
			sl_kv_msghdr(&c.b, msg, flags, ret);
		sl_line_end(&c);
	}
	return (ssize_t)sl_done(&c, ret);
}
