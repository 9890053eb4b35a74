/*
 * 04-udp: datagrams, first without a connection, then with one (APUE 16.5).
 *
 * One process plays both parts, since a datagram waits in the receiver's queue until it
 * is read: no fork needed, and the order of events is the order of the source.
 *
 * Part 1, unconnected: every sendto names its destination, every recvfrom reports
 * where the datagram came from, and the server answers to exactly that address.
 * Part 2, connected: connect on a UDP socket sends nothing at all; it only records a
 * default destination (and, from then on, accepts datagrams from that peer only), so
 * plain send and recv work as on a stream socket.
 *
 * What to look for in the trace:
 *  - the client never calls bind, yet the server's recvfrom "addr" has a port: the
 *    kernel bound the client to an ephemeral port at its first sendto.
 *  - two sendto lines of 3 bytes, two recvfrom lines returning 3 each: a datagram
 *    keeps its boundaries (TCP would be free to hand over "onetwo" in one recv).
 *  - connect on SOCK_DGRAM returns at once; its "local" is the same ephemeral port.
 *  - send and recv carry no address: the connected socket knows it.
 *
 * Trace it:  socklens record -- build/examples/04-udp
 */
#include "tour.h"

/* recvfrom with the sender's address printed: the server learns who to answer. */
static ssize_t recv_from(const char *who, int fd, char *buf, size_t size,
			 struct sockaddr_in *from)
{
	socklen_t len = sizeof(*from);
	char name[64];
	ssize_t n;

	n = recvfrom(fd, buf, size - 1, 0, (struct sockaddr *)from, &len);
	if (n < 0)
		die("recvfrom");
	buf[n] = '\0';
	printf("%s: recvfrom got \"%s\" (%zd bytes) from %s\n", who, buf, n,
	       tour_addr_str((struct sockaddr *)from, len, name, sizeof(name)));
	return n;
}

static void send_to(int fd, const char *msg, const struct sockaddr_in *to)
{
	ssize_t len = strlen(msg);

	if (sendto(fd, msg, len, 0, (const struct sockaddr *)to, sizeof(*to)) != len)
		die("sendto");
}

int main(void)
{
	struct sockaddr_in srv = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),	/* port 0: any free one */
	};
	struct sockaddr_in from;
	socklen_t len = sizeof(srv);
	char buf[64], name[64];
	int sfd, cfd;
	ssize_t n;

	tour_start();

	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sfd < 0)
		die("socket");
	if (bind(sfd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		die("bind");
	if (getsockname(sfd, (struct sockaddr *)&srv, &len) < 0)
		die("getsockname");
	printf("server: bound to %s\n", tour_addr_str((struct sockaddr *)&srv, len, name,
						       sizeof(name)));

	cfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (cfd < 0)
		die("socket");

	/* Part 1: no connection.  Two datagrams, two reads: boundaries are kept. */
	send_to(cfd, "one", &srv);
	send_to(cfd, "two", &srv);
	recv_from("server", sfd, buf, sizeof(buf), &from);
	recv_from("server", sfd, buf, sizeof(buf), &from);
	send_to(sfd, "pong", &from);			/* answer whoever sent it */
	recv_from("client", cfd, buf, sizeof(buf), &from);

	/* Part 2: the same client socket, now connected to the server. */
	if (connect(cfd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		die("connect");
	if (send(cfd, "ping", 4, 0) != 4)
		die("send");
	recv_from("server", sfd, buf, sizeof(buf), &from);
	send_to(sfd, "pong again", &from);
	n = recv(cfd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("client: recv got \"%s\" (%zd bytes), no address needed\n", buf, n);

	close(cfd);
	close(sfd);
	return 0;
}
