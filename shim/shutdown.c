/* shutdown: one direction of a connection closed. */
#define _GNU_SOURCE
#include "sl_core.h"

SL_EXPORT int shutdown(int fd, int how)
{
	struct sl_call c;
	sl_begin(&c, SL_shutdown);
	int ret = sl_real_shutdown(fd, how);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		sl_kv_xlat(&c.b, "how", &shutdown_modes, how);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
