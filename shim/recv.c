/* recv, recvfrom and recvmsg, and glibc's fortified __recv_chk/__recvfrom_chk, which a
 * program built with _FORTIFY_SOURCE calls instead (reported as recv/recvfrom). */
#define _GNU_SOURCE
#include "sl_msg.h"

/* glibc declares these only inside its fortify headers. */
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
		       struct sockaddr *addr, socklen_t *addrlen);

static ssize_t recv_done(struct sl_call *c, int fd, ssize_t ret, const void *buf, size_t len,
			 int flags, const struct sockaddr *addr, const socklen_t *addrlen)
{
	if (sl_line_begin(c, fd, ret)) {
		struct sl_buf *b = &c->b;
		sl_kv_uint(b, "len", len);
		sl_kv_flags(b, "flags", &msg_flags, (unsigned)flags);
		sl_kv_data_moved(b, buf, ret);
		/* Connected sockets leave the address untouched and its length 0. */
		if (ret >= 0 && addr && addrlen && *addrlen)
			sl_kv_addr(b, "addr", addr, *addrlen);
		sl_line_end(c);
	}
	return (ssize_t)sl_done(c, ret);
}

SL_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_recv);
	ssize_t ret = sl_real_recv(fd, buf, len, flags);
	sl_returned(&c);
	return recv_done(&c, fd, ret, buf, len, flags, NULL, NULL);
}

SL_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_recv);
	ssize_t ret = sl_real___recv_chk(fd, buf, len, buflen, flags);
	sl_returned(&c);
	return recv_done(&c, fd, ret, buf, len, flags, NULL, NULL);
}

SL_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
			   socklen_t *addrlen)
{
	struct sl_call c;
	sl_begin(&c, SL_recvfrom);
	ssize_t ret = sl_real_recvfrom(fd, buf, len, flags, addr, addrlen);
	sl_returned(&c);
	return recv_done(&c, fd, ret, buf, len, flags, addr, addrlen);
}

SL_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
				 struct sockaddr *addr, socklen_t *addrlen)
{
	struct sl_call c;
	sl_begin(&c, SL_recvfrom);
	ssize_t ret = sl_real___recvfrom_chk(fd, buf, len, buflen, flags, addr, addrlen);
	sl_returned(&c);
	return recv_done(&c, fd, ret, buf, len, flags, addr, addrlen);
}

SL_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sl_call c;
	sl_begin(&c, SL_recvmsg);
	ssize_t ret = sl_real_recvmsg(fd, msg, flags);
	sl_returned(&c);
	if (ret >= 0 && msg->msg_control && msg->msg_controllen) {
		/* Descriptors received with SCM_RIGHTS are new numbers whose kind we do not know. */
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				     i++)
					sl_fd_forget(((int *)CMSG_DATA(cm))[i]);
	}
	if (sl_line_begin(&c, fd, ret)) {
		if (ret >= 0)
			sl_kv_msghdr(&c.b, msg, flags, ret);
		else if (c.err != EFAULT && c.err != EINVAL)
			sl_kv_msghdr(&c.b, msg, flags, ret);
		sl_line_end(&c);
	}
	return (ssize_t)sl_done(&c, ret);
}
