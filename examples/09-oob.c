/*
 * 09-oob: out-of-band data, TCP's urgent byte (APUE 16.7).
 *
 * send(fd, "!", 1, MSG_OOB) marks one byte urgent.  The receiver is told at once: its
 * owner process gets SIGURG, and poll reports POLLPRI.  The byte itself is not read with
 * the ordinary data: an ordinary recv stops at the "mark" (the urgent byte's place in the
 * stream) and never reads across it, ioctl(SIOCATMARK) says whether the next byte is
 * the mark, and recv(fd, &c, 1, MSG_OOB) fetches the urgent byte out of band.
 *
 * The client sends "abc", then "!" urgently, then "def", and closes.  The server reads
 * the stream, asking SIOCATMARK before each recv.
 *
 * What to look for in the trace:
 *  - the client's send with "flags":"MSG_OOB".
 *  - fcntl F_SETOWN on the accepted socket: SIGURG goes to the owner, as SIGIO does.
 *  - the server's first recv returns "abc" and nothing more, although "def" may well
 *    have arrived: the mark stops it.  Then ioctl SIOCATMARK answers 1.
 *  - recv with "flags":"MSG_OOB" returning the 1 byte "!".
 *  - the next recv returns "def": the urgent byte is not in the ordinary stream.  Then 0.
 *
 * Trace it:  socklens record -- build/examples/09-oob
 */
#include "tour.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#define MAX_ROUNDS	16

static volatile sig_atomic_t sigurg_count;

static void on_sigurg(int sig)
{
	(void)sig;
	sigurg_count++;
}

/* A connected pair over loopback: listener, connect, accept; the listener is closed. */
static void tcp_pair(int *client, int *server)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int lfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0)
		die("bind/listen");
	if (getsockname(lfd, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0)
		die("socket");
	if (connect(*client, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	*server = accept(lfd, NULL, NULL);
	if (*server < 0)
		die("accept");
	close(lfd);
}

/* Waits (bounded) until urgent data is announced; SIGURG may interrupt the wait. */
static void wait_urgent(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	int i, n = -1;

	for (i = 0; i < 3; i++) {
		n = poll(&p, 1, 1000);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n <= 0) {
		fprintf(stderr, "poll(POLLPRI): no urgent data announced\n");
		exit(1);
	}
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sigurg };
	int cfd, sfd, atmark, oob_read = 0, i;
	char buf[64], c;
	ssize_t n;

	tour_start();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGURG, &sa, NULL) < 0)
		die("sigaction");

	tcp_pair(&cfd, &sfd);
	/* SIGURG, like SIGIO, goes to the socket's owner: there is none until we say so. */
	if (fcntl(sfd, F_SETOWN, getpid()) < 0)
		die("fcntl(F_SETOWN)");

	if (send(cfd, "abc", 3, 0) != 3 || send(cfd, "!", 1, MSG_OOB) != 1 ||
	    send(cfd, "def", 3, 0) != 3)
		die("send");
	close(cfd);

	wait_urgent(sfd);
	printf("server: urgent data announced; SIGURG received %d time(s)\n", (int)sigurg_count);

	for (i = 0; i < MAX_ROUNDS; i++) {
		if (ioctl(sfd, SIOCATMARK, &atmark) < 0)
			die("ioctl(SIOCATMARK)");
		/*
		 * At the mark the urgent byte is read out of band.  The stream stays "at the
		 * mark" until the next ordinary recv moves past it, hence the flag: a second
		 * recv(MSG_OOB) would fail with EINVAL.
		 */
		if (atmark && !oob_read) {
			if (recv(sfd, &c, 1, MSG_OOB) != 1)
				die("recv(MSG_OOB)");
			printf("server: at the mark; recv(MSG_OOB) got '%c'\n", c);
			oob_read = 1;
			continue;
		}
		n = recv(sfd, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv");
		if (n == 0)
			break;
		printf("server: recv got \"%.*s\"\n", (int)n, buf);
	}
	close(sfd);
	return 0;
}
