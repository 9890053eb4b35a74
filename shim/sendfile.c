/* sendfile and sendfile64 into a socket: the file's bytes are not previewed, only counted. */
#define _GNU_SOURCE
#include <sys/sendfile.h>

#include "sl_core.h"

static ssize_t sendfile_done(struct sl_call *c, int out_fd, int in_fd, size_t count, ssize_t ret)
{
	if (sl_line_begin(c, out_fd, ret)) {
		sl_kv_int(&c->b, "in_fd", in_fd);
		sl_kv_uint(&c->b, "count", count);
		sl_line_end(c);
	}
	return (ssize_t)sl_done(c, ret);
}

SL_EXPORT ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	if (!sl_traced_fd(SL_sendfile, out_fd))
		return sl_real_sendfile(out_fd, in_fd, offset, count);
	struct sl_call c;
	sl_begin(&c, SL_sendfile);
	ssize_t ret = sl_real_sendfile(out_fd, in_fd, offset, count);
	sl_returned(&c);
	return sendfile_done(&c, out_fd, in_fd, count, ret);
}

/* What programs built with _FILE_OFFSET_BITS=64 (nginx) call; reported as sendfile. */
SL_EXPORT ssize_t sendfile64(int out_fd, int in_fd, off64_t *offset, size_t count)
{
	if (!sl_traced_fd(SL_sendfile, out_fd))
		return sl_real_sendfile64(out_fd, in_fd, offset, count);
	struct sl_call c;
	sl_begin(&c, SL_sendfile);
	ssize_t ret = sl_real_sendfile64(out_fd, in_fd, offset, count);
	sl_returned(&c);
	return sendfile_done(&c, out_fd, in_fd, count, ret);
}
