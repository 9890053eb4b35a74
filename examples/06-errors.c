/*
 * 06-errors: three failures the chapter names, each provoked on purpose (APUE 16.4-16.5).
 *
 *  ECONNREFUSED  connect to a port where nobody listens: the peer's kernel answers the
 *                SYN with a reset.  The port is one we hold bound without listen(),
 *                so no other program can start listening there while we try.
 *  EADDRINUSE    bind to an address a socket already has (here: a listening one).
 *  EMSGSIZE      a UDP datagram larger than IPv4 can carry: 65535 bytes of IP packet,
 *                less 20 of IP header and 8 of UDP header, leaves 65507.  One more
 *                byte and sendto refuses; nothing is sent.
 *
 * What to look for in the trace: the failing lines have "ret":-1 and the "errno" key,
 * which a successful call never has: connect with "ECONNREFUSED" (and no "local"),
 * bind with "EADDRINUSE" on the same "addr" as the first bind, a sendto of "len":65507
 * returning 65507 and one of "len":65508 failing with "EMSGSIZE".
 *
 * Trace it:  socklens record -- build/examples/06-errors
 */
#include "tour.h"

#define UDP_MAX_PAYLOAD	(65535 - 20 - 8)

/* Reports a call the lesson expects to fail, and fails the example if it did not. */
static void expect_fail(const char *call, long ret, int want)
{
	if (ret >= 0) {
		fprintf(stderr, "%s succeeded, expected %s\n", call, errname(want));
		exit(1);
	}
	printf("%-40s -> -1, errno %s: %s\n", call, errname(errno), strerror(errno));
	if (errno != want)
		exit(1);
}

static void refused_and_in_use(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int holder, cfd, second;

	/* Take a free port and keep it, without listening on it. */
	holder = socket(AF_INET, SOCK_STREAM, 0);
	if (holder < 0)
		die("socket");
	if (bind(holder, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	if (getsockname(holder, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");

	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	expect_fail("connect to a port nobody listens on",
		    connect(cfd, (struct sockaddr *)&addr, sizeof(addr)), ECONNREFUSED);
	/* After a failed connect the socket's state is unspecified: start afresh. */
	close(cfd);

	/* Now make it a real server, then try to start a second one on the same port. */
	if (listen(holder, 1) < 0)
		die("listen");
	second = socket(AF_INET, SOCK_STREAM, 0);
	if (second < 0)
		die("socket");
	expect_fail("bind to the port a server listens on",
		    bind(second, (struct sockaddr *)&addr, sizeof(addr)), EADDRINUSE);
	close(second);
	close(holder);
}

static void too_big(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	char *buf = malloc(UDP_MAX_PAYLOAD + 1);
	int rfd, sfd;
	ssize_t n;

	if (!buf)
		die("malloc");
	memset(buf, 'x', UDP_MAX_PAYLOAD + 1);	/* readable in the trace's data preview */
	rfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (rfd < 0)
		die("socket");
	if (bind(rfd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	if (getsockname(rfd, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sfd < 0)
		die("socket");

	/* The largest datagram that fits goes through, in one piece... */
	n = sendto(sfd, buf, UDP_MAX_PAYLOAD, 0, (struct sockaddr *)&addr, sizeof(addr));
	if (n != UDP_MAX_PAYLOAD)
		die("sendto 65507");
	n = recvfrom(rfd, buf, UDP_MAX_PAYLOAD + 1, 0, NULL, NULL);
	if (n < 0)
		die("recvfrom");
	printf("%-40s -> %zd, received whole: %zd bytes\n", "sendto of 65507 bytes",
	       (ssize_t)UDP_MAX_PAYLOAD, n);

	/* ...one byte more does not. */
	expect_fail("sendto of 65508 bytes",
		    sendto(sfd, buf, UDP_MAX_PAYLOAD + 1, 0, (struct sockaddr *)&addr,
			   sizeof(addr)), EMSGSIZE);
	close(sfd);
	close(rfd);
	free(buf);
}

int main(void)
{
	tour_start();
	refused_and_in_use();
	too_big();
	return 0;
}
