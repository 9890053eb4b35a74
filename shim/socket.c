/* socket and socketpair: where a descriptor's life as a socket begins. */
#define _GNU_SOURCE
#include <netinet/in.h>

#include "sl_core.h"

/* The protocol by name where the family's numbering is the IP one. */
static void kv_protocol(struct sl_buf *b, int domain, int protocol)
{
	if (domain == AF_INET || domain == AF_INET6)
		sl_kv_xlat(b, "protocol", &ipprotos, protocol);
	else
		sl_kv_int(b, "protocol", protocol);
}

static void kv_socket_args(struct sl_buf *b, int domain, int type, int protocol)
{
	sl_kv_xlat(b, "domain", &addrfams, domain);
	sl_kv_socktype(b, "type", type);
	kv_protocol(b, domain, protocol);
}

SL_EXPORT int socket(int domain, int type, int protocol)
{
	struct sl_call c;
	sl_begin(&c, SL_socket);
	int ret = sl_real_socket(domain, type, protocol);
	sl_returned(&c);
	if (ret >= 0)
		sl_fd_set_socket(ret, true);
	if (sl_line_begin(&c, ret, ret)) {
		kv_socket_args(&c.b, domain, type, protocol);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}

SL_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	struct sl_call c;
	sl_begin(&c, SL_socketpair);
	int ret = sl_real_socketpair(domain, type, protocol, sv);
	sl_returned(&c);
	if (ret == 0) {
		sl_fd_set_socket(sv[0], true);
		sl_fd_set_socket(sv[1], true);
	}
	if (sl_line_begin(&c, ret == 0 ? sv[0] : -1, ret)) {
		kv_socket_args(&c.b, domain, type, protocol);
		if (ret == 0) {
			sl_arr_open(&c.b, "sv");
			sl_val_int(&c.b, sv[0]);
			sl_val_int(&c.b, sv[1]);
			sl_close(&c.b);
		}
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}
