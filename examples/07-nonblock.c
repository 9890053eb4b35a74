/*
 * 07-nonblock: non-blocking sockets and poll (APUE 16.8 and 14.2, 14.4.2).
 *
 * A descriptor in O_NONBLOCK mode never makes the process wait: a call that would
 * block fails at once with EAGAIN (EWOULDBLOCK is the same number on Linux), and a
 * connect that cannot finish at once fails with EINPROGRESS and goes on in the
 * background.  poll then waits, with a timeout, for the moment a call would succeed.
 *
 * The sequence: a listener made non-blocking with fcntl(F_GETFL) then fcntl(F_SETFL,
 * flags | O_NONBLOCK); accept with nobody connecting (EAGAIN); a non-blocking client
 * connect (EINPROGRESS); poll until the client is writable (connected) and the
 * listener readable (a connection waits); accept; recv with no data yet (EAGAIN);
 * a send from the client; poll; recv again, this time with the data.
 *
 * What to look for in the trace:
 *  - fcntl F_GETFL with its result decoded in "ret_flags" ("O_RDWR"), then F_SETFL with
 *    "arg":"O_RDWR|O_NONBLOCK".
 *  - accept failing with "errno":"EAGAIN", later succeeding with the new fd in "ret".
 *  - connect failing with "errno":"EINPROGRESS", yet with a "local" address already:
 *    the kernel bound the port and sent the SYN.
 *  - the accepted descriptor's F_GETFL shows no O_NONBLOCK: on Linux, accept does not
 *    pass the listener's file status flags on (accept4(SOCK_NONBLOCK) would).
 *  - recv failing with EAGAIN, then, after the client's send, returning the 4 bytes.
 *
 * Trace it:  socklens record -- build/examples/07-nonblock
 */
#include "tour.h"

#include <fcntl.h>
#include <poll.h>

#define POLL_LIMIT_MS	1000	/* loopback answers at once; this only bounds a failure */

/* The classic read-modify-write: F_SETFL replaces all flags, so keep the others. */
static void set_nonblocking(const char *who, int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		die("fcntl(F_GETFL)");
	printf("%s: fd %d flags 0x%x, O_NONBLOCK %s\n", who, fd, flags,
	       flags & O_NONBLOCK ? "set" : "clear");
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		die("fcntl(F_SETFL)");
}

/* Waits for one event on one descriptor; poll's own timeout keeps it bounded. */
static void wait_for(const char *what, int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, POLL_LIMIT_MS);

	if (n < 0)
		die("poll");
	if (n == 0) {
		fprintf(stderr, "poll: %s did not happen\n", what);
		exit(1);
	}
	printf("poll: fd %d %s (revents 0x%x)\n", fd, what, p.revents);
}

static void expect_eagain(const char *call, ssize_t ret)
{
	if (ret >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
		fprintf(stderr, "%s: expected EAGAIN, got %zd (%s)\n", call, ret,
			ret < 0 ? errname(errno) : "success");
		exit(1);
	}
	printf("%s -> -1, errno %s: would block, try later\n", call, errname(errno));
}

int main(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int lfd, cfd, afd, err;
	char buf[16];
	ssize_t n;

	tour_start();

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	if (listen(lfd, 1) < 0)
		die("listen");
	if (getsockname(lfd, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");
	set_nonblocking("listener", lfd);

	/* Nobody has connected: a blocking accept would sleep here. */
	expect_eagain("accept", accept(lfd, NULL, NULL));

	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	set_nonblocking("client", cfd);
	if (connect(cfd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		printf("connect -> 0, connected at once (allowed, if rare on Linux)\n");
	} else if (errno == EINPROGRESS) {
		printf("connect -> -1, errno EINPROGRESS: the handshake goes on without us\n");
	} else {
		die("connect");
	}

	/* Writable means the handshake finished; SO_ERROR says whether it succeeded. */
	wait_for("is writable: connected", cfd, POLLOUT);
	len = sizeof(err);
	if (getsockopt(cfd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		die("getsockopt(SO_ERROR)");
	printf("getsockopt(SO_ERROR) = %d: the connect succeeded\n", err);

	wait_for("is readable: a connection is waiting", lfd, POLLIN);
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		die("accept");
	printf("accept -> fd %d\n", afd);
	set_nonblocking("accepted", afd);	/* prints "clear": not inherited */

	expect_eagain("recv", recv(afd, buf, sizeof(buf), 0));

	if (send(cfd, "ping", 4, 0) != 4)
		die("send");
	wait_for("is readable: data arrived", afd, POLLIN);
	n = recv(afd, buf, sizeof(buf), 0);
	if (n < 0)
		die("recv");
	printf("recv -> %zd bytes: \"%.*s\"\n", n, (int)n, buf);

	close(afd);
	close(cfd);
	close(lfd);
	return 0;
}
