/*
 * 03-echo: a TCP echo server and three clients, in one program through fork
 * (APUE 16.4, "connection establishment", and 16.5, "data transfer").
 *
 * The parent is the server: socket, bind to 127.0.0.1 port 0, listen with a backlog,
 * then accept one connection at a time and send back whatever it receives.  Each
 * child is a client: socket, connect, send a line, shutdown(SHUT_WR) to say "that is
 * all I will send", then recv the echo until the server closes.
 *
 * What to look for in the trace:
 *  - accept's "ret" is a new descriptor; the listening one ("fd") stays open for the
 *    next client.  Its "peer" is the client's address, the same as the client's
 *    connect "local": that is how the two lanes of one connection meet.
 *  - the second accept passes NULL for the address: the program does not learn who
 *    connected (the trace may still say, since socklens asks on its own).
 *  - send and recv with their "len" (bytes asked for), "ret" (bytes moved) and the
 *    "data" itself.
 *  - "how":"SHUT_WR" in a client, then the server's recv on that connection returning
 *    0: not an error, the orderly end of the stream.  The server then closes, and the
 *    client's own last recv returns 0 too.
 *  - three "proc" lines with "fork_of" for the clients, and each child closing its
 *    inherited copy of the listening socket first.
 *
 * Trace it:  socklens record -- build/examples/03-echo   (this is what `make demo` runs)
 */
#include "tour.h"

#define NCLIENTS	3
#define BACKLOG		NCLIENTS	/* all clients may wait in the queue at once */
#define MAX_ROUNDS	64		/* bound on any recv loop: a lesson never spins */

static void client(int id, int lfd, const struct sockaddr_in *srv)
{
	char msg[64], buf[128], echo[256] = "";
	size_t got = 0;
	ssize_t n;
	int fd, i, len;

	close(lfd);	/* the child's copy of the listener: only the server accepts */

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("client socket");
	if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv)) < 0)
		die("connect");

	len = snprintf(msg, sizeof(msg), "hello from client %d\n", id);
	if (send(fd, msg, len, 0) != len)	/* small enough never to be cut short */
		die("send");

	/* Half-close: our direction ends here, but we can still receive. */
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");

	for (i = 0; i < MAX_ROUNDS; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("client recv");
		if (n == 0)	/* the server closed: the echo is complete */
			break;
		if (got + n < sizeof(echo)) {
			memcpy(echo + got, buf, n);
			got += n;
		}
	}
	printf("client %d: got back \"%.*s\"\n", id, (int)(got ? got - 1 : 0), echo);
	close(fd);
	exit(0);
}

/* Echoes one connection until the client's shutdown makes recv return 0. */
static void serve(int cfd)
{
	char buf[128];
	ssize_t n;
	int i;

	for (i = 0; i < MAX_ROUNDS; i++) {
		n = recv(cfd, buf, sizeof(buf), 0);
		if (n < 0)
			die("server recv");
		if (n == 0) {
			printf("server: recv on fd %d returned 0, the client shut down its side\n",
			       cfd);
			break;
		}
		if (send(cfd, buf, n, 0) != n)
			die("server send");
	}
	close(cfd);
}

int main(void)
{
	/* Port 0: any free port; the kernel picks one at bind and getsockname tells. */
	struct sockaddr_in srv = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		.sin_port = htons(0),
	};
	struct sockaddr_in peer;
	socklen_t len = sizeof(srv);
	pid_t kids[NCLIENTS];
	char name[64];
	int lfd, cfd, i;

	tour_start();

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		die("bind");
	if (listen(lfd, BACKLOG) < 0)
		die("listen");
	if (getsockname(lfd, (struct sockaddr *)&srv, &len) < 0)
		die("getsockname");
	printf("server: listening on %s\n",
	       tour_addr_str((struct sockaddr *)&srv, len, name, sizeof(name)));

	for (i = 0; i < NCLIENTS; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (kids[i] == 0)
			client(i + 1, lfd, &srv);
	}

	for (i = 0; i < NCLIENTS; i++) {
		if (i == 1) {
			/* No interest in who it is: NULL, NULL is allowed. */
			cfd = accept(lfd, NULL, NULL);
			if (cfd < 0)
				die("accept");
			printf("server: accepted fd %d (peer not asked for)\n", cfd);
		} else {
			len = sizeof(peer);
			cfd = accept(lfd, (struct sockaddr *)&peer, &len);
			if (cfd < 0)
				die("accept");
			printf("server: accepted fd %d from %s\n", cfd,
			       tour_addr_str((struct sockaddr *)&peer, len, name, sizeof(name)));
		}
		serve(cfd);
	}
	close(lfd);

	for (i = 0; i < NCLIENTS; i++)
		reap(kids[i]);
	return 0;
}
