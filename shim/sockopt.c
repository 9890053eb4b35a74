/* setsockopt and getsockopt: the option by name from the table of its level, and the
 * value where it is an int (SO_ERROR's as an errno name, SO_LINGER's as an object). */
#define _GNU_SOURCE
#include <netinet/in.h>

#include "sl_core.h"

/* The option names of each level. */
static const struct {
	int level;
	const struct sl_xlat *names;
} levels[] = {
    {SOL_SOCKET, &sockopts_socket},
    {IPPROTO_TCP, &sockopts_tcp},
    {IPPROTO_IP, &sockopts_ip},
    {IPPROTO_IPV6, &sockopts_ipv6},
};

static void kv_optname(struct sl_buf *b, int level, int name)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (levels[i].level == level) {
			sl_kv_xlat(b, "optname", levels[i].names, name);
			return;
		}
	sl_kv_int(b, "optname", name);
}

/* The value, read only from memory the kernel has just read or written. */
static void kv_optval(struct sl_buf *b, int level, int name, const void *val, socklen_t len)
{
	if (!val)
		return;
	if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(struct linger)) {
		const struct linger *l = val;
		sl_obj_open(b, "val");
		sl_kv_int(b, "onoff", l->l_onoff);
		sl_kv_int(b, "linger", l->l_linger);
		sl_close(b);
	} else if (len == sizeof(int)) {
		int v = *(const int *)val;
		const char *err = level == SOL_SOCKET && name == SO_ERROR ? sl_errno_name(v) : NULL;
		if (err)
			sl_kv_str(b, "val", err);
		else
			sl_kv_int(b, "val", v);
	}
}

SL_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct sl_call c;
	sl_begin(&c, SL_setsockopt);
	int ret = sl_real_setsockopt(fd, level, name, val, len);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		sl_kv_xlat(&c.b, "level", &sockopt_levels, level);
		kv_optname(&c.b, level, name);
		sl_kv_uint(&c.b, "optlen", len);
		if (ret == 0)
			kv_optval(&c.b, level, name, val, len);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}

SL_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct sl_call c;
	sl_begin(&c, SL_getsockopt);
	int ret = sl_real_getsockopt(fd, level, name, val, len);
	sl_returned(&c);
	if (sl_line_begin(&c, fd, ret)) {
		sl_kv_xlat(&c.b, "level", &sockopt_levels, level);
		kv_optname(&c.b, level, name);
		if (ret == 0) {
			sl_kv_uint(&c.b, "optlen", *len);
			kv_optval(&c.b, level, name, val, *len);
		}
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
