/* Decoding shared by the calls that move data: iovec totals, msghdr names and rights. */
#ifndef SL_MSG_H
#define SL_MSG_H

#include "sl_core.h"

size_t sl_iov_total(const struct iovec *iov, size_t n);
/* Preview of what moved (ret bytes) when the call succeeded. */
void sl_kv_data_moved(struct sl_buf *b, const void *buf, long long ret);
void sl_kv_iov_moved(struct sl_buf *b, const struct iovec *iov, size_t n, long long ret);
/* len, flags, data, addr and rights of a sendmsg/recvmsg. */
void sl_kv_msghdr(struct sl_buf *b, const struct msghdr *msg, int flags, long long ret);

#endif
