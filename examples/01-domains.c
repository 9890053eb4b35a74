/*
 * 01-domains: one socket for each domain and type (APUE 16.2, "socket descriptors").
 *
 * socket(domain, type, protocol) picks three things: the address family the socket
 * lives in (AF_INET, AF_INET6, AF_UNIX), the kind of conversation (a byte stream, a
 * datagram at a time, records in order), and a protocol, 0 for "the usual one".
 * Not every pair exists: the kernel answers with a descriptor or with an errno.
 *
 * What to look for in the trace: one "socket" line per attempt, its "fd" the
 * descriptor it got (the lowest free one, so the same number comes back after each
 * close) or -1 with an "errno": EPROTONOSUPPORT/ESOCKTNOSUPPORT where the family has
 * no such type (SOCK_SEQPACKET over IP means SCTP, rarely loaded).  SOCK_RAW needs
 * CAP_NET_RAW: an ordinary user gets EPERM, root gets a descriptor, so this program
 * prints whichever it got rather than assuming.  The last line shows the type flags
 * SOCK_NONBLOCK and SOCK_CLOEXEC, decoded as "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC".
 *
 * Trace it:  socklens record -- build/examples/01-domains
 */
#include "tour.h"

#include <netinet/in.h>

struct named {
	int value;
	const char *name;
};

#define NAMED(v) { (v), #v }

static const struct named domains[] = {
	NAMED(AF_INET), NAMED(AF_INET6), NAMED(AF_UNIX),
};

static const struct named types[] = {
	NAMED(SOCK_STREAM), NAMED(SOCK_DGRAM), NAMED(SOCK_SEQPACKET), NAMED(SOCK_RAW),
};

/*
 * A raw IP socket needs a protocol to carry: with 0 the kernel refuses it before it
 * even looks at privileges.  ICMP is the harmless one (it is what ping speaks).
 * AF_UNIX quietly treats SOCK_RAW as SOCK_DGRAM, so it ignores this.
 */
static int raw_protocol(int domain)
{
	if (domain == AF_INET)
		return IPPROTO_ICMP;
	if (domain == AF_INET6)
		return IPPROTO_ICMPV6;
	return 0;
}

int main(void)
{
	size_t d, t;
	int fd;

	tour_start();
	printf("running as uid %d%s\n", (int)geteuid(),
	       geteuid() == 0 ? " (root: SOCK_RAW will probably succeed)" : "");

	for (d = 0; d < sizeof(domains) / sizeof(domains[0]); d++) {
		for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			int domain = domains[d].value, type = types[t].value;
			int protocol = type == SOCK_RAW ? raw_protocol(domain) : 0;

			fd = socket(domain, type, protocol);
			if (fd < 0) {
				printf("%-8s %-14s -> %s (%s)\n", domains[d].name, types[t].name,
				       errname(errno), strerror(errno));
				continue;
			}
			printf("%-8s %-14s -> fd %d\n", domains[d].name, types[t].name, fd);
			close(fd);
		}
	}

	/* Since Linux 2.6.27 the type also carries two flags, saving two fcntl calls. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(SOCK_NONBLOCK|SOCK_CLOEXEC)");
	printf("%-8s %-14s -> fd %d, non-blocking and close-on-exec from the start\n",
	       "AF_INET", "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC", fd);
	close(fd);
	return 0;
}
