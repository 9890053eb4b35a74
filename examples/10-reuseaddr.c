/*
 * 10-reuseaddr: a socket option at work, SO_REUSEADDR and a server restart (APUE 16.6).
 *
 * The side that closes a TCP connection first keeps it in TIME_WAIT for a minute or
 * so, to catch stray segments of the old connection.  When that side is a server, its
 * port stays taken: a restarted server's bind fails with EADDRINUSE.  SO_REUSEADDR,
 * set with setsockopt before bind, lets a new listener bind past connections in
 * TIME_WAIT; that is why servers (APUE's initserver among them) set it by habit.
 *
 * The program runs a server with SO_REUSEADDR on 127.0.0.1 port 0, serves one client
 * and closes the connection first, then plays the restart: a new socket binds to the
 * same address without the option (EADDRINUSE), then with it (success).
 *
 * What to look for in the trace: two bind lines on the same descriptor and the same
 * "addr", the first with "errno":"EADDRINUSE", the second returning 0, then listen.
 * setsockopt and getsockopt are not traced; the program prints what they did.
 *
 * Trace it:  socklens record -- build/examples/10-reuseaddr
 */
#include "tour.h"

static void set_reuseaddr(int fd)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		die("setsockopt(SO_REUSEADDR)");
}

/* Serves one client and closes first: the server's end goes into TIME_WAIT. */
static void first_run(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int lfd, cfd, sfd;
	char c;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	set_reuseaddr(lfd);	/* inherited by accepted sockets, and so by their TIME_WAIT */
	if (bind(lfd, (struct sockaddr *)addr, sizeof(*addr)) < 0 || listen(lfd, 1) < 0)
		die("bind/listen");
	if (getsockname(lfd, (struct sockaddr *)addr, &len) < 0)
		die("getsockname");

	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	if (connect(cfd, (struct sockaddr *)addr, sizeof(*addr)) < 0)
		die("connect");
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0)
		die("accept");

	close(sfd);			/* the server closes first... */
	if (recv(cfd, &c, 1, 0) != 0)	/* ...the client sees the end, and closes too */
		die("recv");
	close(cfd);
	close(lfd);
	printf("first run: served one client on port %u, closed first: TIME_WAIT\n",
	       ntohs(addr->sin_port));
}

int main(void)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len;
	int fd, type, rcvbuf;

	tour_start();
	first_run(&addr);

	/* The restart: the same address, from a fresh socket. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		fprintf(stderr, "bind without SO_REUSEADDR succeeded: no TIME_WAIT?\n");
		exit(1);
	}
	printf("restart without SO_REUSEADDR: bind -> %s\n", errname(errno));

	set_reuseaddr(fd);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind with SO_REUSEADDR");
	if (listen(fd, 1) < 0)
		die("listen");
	printf("restart with SO_REUSEADDR: bind -> 0, listening again\n");

	/* getsockopt reads options back; some, like SO_TYPE, can only be read. */
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		die("getsockopt(SO_TYPE)");
	len = sizeof(rcvbuf);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) < 0)
		die("getsockopt(SO_RCVBUF)");
	printf("getsockopt: SO_TYPE %s, SO_RCVBUF %d bytes\n",
	       type == SOCK_STREAM ? "SOCK_STREAM" : "other", rcvbuf);
	close(fd);
	return 0;
}
