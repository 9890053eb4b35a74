/* tables: what the viewer knows about each call, protocol and errno, as data. */
#include "tables.h"

#include <string.h>

/* Sorted by name (the "other" entry last). */
static const struct call_info calls[] = {
    {"accept", 'a', CK_ACCEPT, CL_LIFE, 0},
    {"accept4", 'a', CK_ACCEPT, CL_LIFE, 0},
    {"bind", 'b', CK_BIND, CL_SETUP, 0},
    {"close", '|', CK_CLOSE, CL_LIFE, 0},
    {"connect", 'c', CK_CONNECT, CL_LIFE, 0},
    {"dup", 'd', CK_DUP, CL_SETUP, 0},
    {"dup2", 'd', CK_DUP, CL_SETUP, 0},
    {"dup3", 'd', CK_DUP, CL_SETUP, 0},
    {"fcntl", 'o', CK_FCNTL, CL_OTHER, 0},
    {"getpeername", 'o', CK_OTHER, CL_OTHER, 0},
    {"getsockname", 'o', CK_OTHER, CL_OTHER, 0},
    {"getsockopt", 'o', CK_OTHER, CL_OTHER, 0},
    {"ioctl", 'o', CK_OTHER, CL_OTHER, 0},
    {"listen", 'l', CK_LISTEN, CL_SETUP, 0},
    {"read", '<', CK_RECV, CL_DATA, -1},
    {"readv", '<', CK_RECV, CL_DATA, -1},
    {"recv", '<', CK_RECV, CL_DATA, -1},
    {"recvfrom", '<', CK_RECV, CL_DATA, -1},
    {"recvmmsg", '<', CK_RECV, CL_DATA, -1},
    {"recvmsg", '<', CK_RECV, CL_DATA, -1},
    {"send", '>', CK_SEND, CL_DATA, 1},
    {"sendfile", '>', CK_SEND, CL_DATA, 1},
    {"sendmmsg", '>', CK_SEND, CL_DATA, 1},
    {"sendmsg", '>', CK_SEND, CL_DATA, 1},
    {"sendto", '>', CK_SEND, CL_DATA, 1},
    {"setsockopt", 'o', CK_OTHER, CL_OTHER, 0},
    {"shutdown", 'h', CK_SHUTDOWN, CL_SETUP, 0},
    {"socket", 's', CK_SOCKET, CL_LIFE, 0},
    {"socketpair", 's', CK_SOCKETPAIR, CL_LIFE, 0},
    {"write", '>', CK_SEND, CL_DATA, 1},
    {"writev", '>', CK_SEND, CL_DATA, 1},
    {"", 'o', CK_OTHER, CL_OTHER, 0}, /* any other call: keep last */
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

/* Where each first letter's names start in the sorted table, and every name's length: a lookup
 * compares only names of the right first letter and length (this runs for every call line). */
static unsigned char first_at[257], name_len[NCALLS];

__attribute__((constructor)) static void calls_init(void)
{
	size_t i = 0;
	for (int c = 0; c <= 256; c++) {
		while (i < NCALLS - 1 && (unsigned char)calls[i].name[0] < c)
			i++;
		first_at[c] = (unsigned char)i;
	}
	for (i = 0; i < NCALLS; i++)
		name_len[i] = (unsigned char)strlen(calls[i].name);
}

const struct call_info *tables_call(const char *name, size_t len)
{
	if (len) {
		unsigned char c = (unsigned char)name[0];
		for (size_t i = first_at[c]; i < first_at[c + 1]; i++)
			if (name_len[i] == len && memcmp(calls[i].name, name, len) == 0)
				return &calls[i];
	}
	return &calls[NCALLS - 1];
}

size_t tables_call_index(const struct call_info *ci)
{
	return (size_t)(ci - calls);
}

size_t tables_call_count(void)
{
	return NCALLS;
}

const struct call_info *tables_call_at(size_t i)
{
	return &calls[i];
}

static const struct {
	const char *domain, *type, *proto;
} protos[] = {
    {"AF_INET", "SOCK_STREAM", "TCP"},
    {"AF_INET", "SOCK_DGRAM", "UDP"},
    {"AF_INET", "SOCK_RAW", "RAW"},
    {"AF_INET6", "SOCK_STREAM", "TCP6"},
    {"AF_INET6", "SOCK_DGRAM", "UDP6"},
    {"AF_INET6", "SOCK_RAW", "RAW6"},
    {"AF_UNIX", "SOCK_STREAM", "UNIX"},
    {"AF_UNIX", "SOCK_DGRAM", "UNIX-DGRAM"},
    {"AF_UNIX", "SOCK_SEQPACKET", "UNIX-SEQPACKET"},
    {"AF_NETLINK", NULL, "NETLINK"},
    {"AF_PACKET", NULL, "PACKET"},
};

const char *tables_proto(const char *domain, const char *type)
{
	/* The type may carry flags: "SOCK_STREAM|SOCK_NONBLOCK". */
	size_t tn = strcspn(type, "|");
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcmp(domain, protos[i].domain) != 0)
			continue;
		if (!protos[i].type ||
		    (strlen(protos[i].type) == tn && memcmp(type, protos[i].type, tn) == 0))
			return protos[i].proto;
	}
	return NULL;
}

static const char *const soft_errnos[] = {
    "EAGAIN", "EWOULDBLOCK", "EINPROGRESS", "EALREADY", "EINTR",
};

bool tables_errno_soft(const char *name)
{
	for (size_t i = 0; i < sizeof(soft_errnos) / sizeof(soft_errnos[0]); i++)
		if (strcmp(name, soft_errnos[i]) == 0)
			return true;
	return false;
}

const char *tables_legend(void)
{
	return "s socket  b bind  l listen  c connect  a accept  > send  < recv  h shutdown"
	       "  | close  d dup  o other  ! failed  ? EAGAIN/EINPROGRESS";
}
