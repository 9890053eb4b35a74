/* Data-moving call decoding shared by send.c, recv.c and rw.c. */
#define _GNU_SOURCE
#include "sl_msg.h"

#include <limits.h>
#include <sys/uio.h>
#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

size_t sl_iov_total(const struct iovec *iov, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += iov[i].iov_len;
	return total;
}

void sl_kv_data_moved(struct sl_buf *b, const void *buf, long long ret)
{
	if (sl_cfg.data_limit && ret > 0)
		sl_kv_data(b, buf, (size_t)ret, (size_t)ret, sl_cfg.data_limit);
}

void sl_kv_iov_moved(struct sl_buf *b, const struct iovec *iov, size_t n, long long ret)
{
	if (sl_cfg.data_limit && ret > 0)
		sl_kv_data_iov(b, iov, n, (size_t)ret, sl_cfg.data_limit);
}

static void kv_rights(struct sl_buf *b, const struct msghdr *msg)
{
	if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr))
		return;
	bool open = false;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		const int *fds = (const int *)CMSG_DATA(cm);
		if (!open) {
			sl_arr_open(b, "rights");
			open = true;
		}
		for (size_t i = 0; i < n && i < 64; i++)
			sl_val_int(b, fds[i]);
	}
	if (open)
		sl_close(b);
}

void sl_kv_msghdr(struct sl_buf *b, const struct msghdr *msg, int flags, long long ret)
{
	size_t n = msg->msg_iovlen;
	if (n > UIO_MAXIOV)
		n = 0; /* the kernel refused it (EMSGSIZE) without reading it */
	sl_kv_uint(b, "len", sl_iov_total(msg->msg_iov, n));
	sl_kv_flags(b, "flags", &msg_flags, (unsigned)flags);
	sl_kv_iov_moved(b, msg->msg_iov, n, ret);
	if (msg->msg_name && msg->msg_namelen)
		sl_kv_addr(b, "addr", msg->msg_name, msg->msg_namelen);
	kv_rights(b, msg);
}
