/* ioctl on sockets: the other way to make a socket non-blocking (FIONBIO) or asynchronous
 * (FIOASYNC, FIOSETOWN, SIOCSPGRP). */
#define _GNU_SOURCE
#include <linux/sockios.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "sl_core.h"

/* Requests whose argument points to an int: read before (set) or after (get) the call. */
static const struct {
	unsigned long req;
	bool out;
} int_reqs[] = {
    {FIONBIO, false},  {FIOASYNC, false}, {FIOSETOWN, false}, {SIOCSPGRP, false}, {FIOGETOWN, true},
    {SIOCGPGRP, true}, {FIONREAD, true},  {SIOCATMARK, true}, {SIOCOUTQ, true},
};

SL_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);

	struct sl_call c;
	sl_begin(&c, SL_ioctl);
	bool traced = sl_cfg.on && sl_fd_is_socket(fd);
	int ret = sl_real_ioctl(fd, req, arg);
	sl_returned(&c);
	if (traced && sl_line_begin(&c, fd, ret)) {
		sl_kv_xlat(&c.b, "req", &ioctl_reqs, (long long)req);
		for (size_t i = 0; i < sizeof(int_reqs) / sizeof(int_reqs[0]); i++) {
			if (int_reqs[i].req != req)
				continue;
			/* The kernel has read (or written) the int only when the call succeeded. */
			if (ret >= 0 && arg)
				sl_kv_int(&c.b, "arg", *(const int *)arg);
			break;
		}
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
