/* read, write, readv, writev (and fortified __read_chk) when the descriptor is a socket.
 * Other descriptors take the fast path: one cached lookup, then the real call. */
#define _GNU_SOURCE
#include <unistd.h>

#include "sl_msg.h"

ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen);

static ssize_t rw_done(struct sl_call *c, int fd, ssize_t ret, const struct iovec *iov,
		       size_t iovcnt, size_t len)
{
	if (sl_line_begin(c, fd, ret)) {
		sl_kv_uint(&c->b, "len", len);
		sl_kv_iov_moved(&c->b, iov, iovcnt, ret);
		sl_line_end(c);
	}
	return (ssize_t)sl_done(c, ret);
}

/* readv and writev: the iovec array is read only where the kernel could take it
 * (not on EFAULT or EINVAL). */
static ssize_t iov_done(struct sl_call *c, int fd, ssize_t ret, const struct iovec *iov,
			int iovcnt)
{
	if (ret < 0 && (c->err == EFAULT || c->err == EINVAL))
		iovcnt = 0;
	size_t n = iovcnt > 0 ? (size_t)iovcnt : 0;
	return rw_done(c, fd, ret, iov, n, sl_iov_total(iov, n));
}

SL_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	if (!sl_traced_fd(SL_read, fd))
		return sl_real_read(fd, buf, len);
	struct sl_call c;
	sl_begin(&c, SL_read);
	ssize_t ret = sl_real_read(fd, buf, len);
	sl_returned(&c);
	struct iovec iov = {buf, len};
	return rw_done(&c, fd, ret, &iov, 1, len);
}

SL_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (!sl_traced_fd(SL_read, fd))
		return sl_real___read_chk(fd, buf, len, buflen);
	struct sl_call c;
	sl_begin(&c, SL_read);
	ssize_t ret = sl_real___read_chk(fd, buf, len, buflen);
	sl_returned(&c);
	struct iovec iov = {buf, len};
	return rw_done(&c, fd, ret, &iov, 1, len);
}

SL_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	if (!sl_traced_fd(SL_write, fd))
		return sl_real_write(fd, buf, len);
	struct sl_call c;
	sl_begin(&c, SL_write);
	ssize_t ret = sl_real_write(fd, buf, len);
	sl_returned(&c);
	struct iovec iov = {(void *)buf, len};
	return rw_done(&c, fd, ret, &iov, 1, len);
}

SL_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	if (!sl_traced_fd(SL_readv, fd))
		return sl_real_readv(fd, iov, iovcnt);
	struct sl_call c;
	sl_begin(&c, SL_readv);
	ssize_t ret = sl_real_readv(fd, iov, iovcnt);
	sl_returned(&c);
	return iov_done(&c, fd, ret, iov, iovcnt);
}

SL_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	if (!sl_traced_fd(SL_writev, fd))
		return sl_real_writev(fd, iov, iovcnt);
	struct sl_call c;
	sl_begin(&c, SL_writev);
	ssize_t ret = sl_real_writev(fd, iov, iovcnt);
	sl_returned(&c);
	return iov_done(&c, fd, ret, iov, iovcnt);
}
