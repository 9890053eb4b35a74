/*
 * 02-addresses: text to binary and back, and the sockaddr every bind and connect gets
 * (APUE 16.3, "addressing").
 *
 * inet_pton() turns "127.0.0.1" into the four bytes the kernel wants, already in
 * network byte order (big-endian); inet_ntop() turns them back.  Ports are numbers the
 * program converts itself, with htons()/ntohs().  These conversions are pure
 * library functions: no system call, so nothing of them appears in the trace.
 *
 * Then a listener and a client on each of 127.0.0.1 and ::1.  What to look for in the
 * trace: bind's "addr" has "port":0 ("any free port"); the port the kernel chose
 * appears first in connect's "addr"; connect's "local" is the client's own end, an
 * ephemeral port the kernel bound implicitly; and accept's "peer" is that very
 * address, seen from the other side.  Two lines, one connection, both ends named.
 *
 * Trace it:  socklens record -- build/examples/02-addresses
 */
#include "tour.h"

static void show_bytes(const char *label, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	printf("  %-28s", label);
	for (i = 0; i < n; i++)
		printf("%02x%s", b[i], i + 1 < n ? (n == 4 ? "." : ":") : "\n");
}

/* inet_pton then inet_ntop: the text that comes back is the canonical spelling. */
static void round_trip(int family, const char *text)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char back[INET6_ADDRSTRLEN];
	int r = inet_pton(family, text, bin);

	printf("inet_pton(%s, \"%s\") = %d\n", family == AF_INET ? "AF_INET" : "AF_INET6",
	       text, r);
	if (r != 1)	/* 0: not an address of that family; nothing was written to bin */
		return;
	show_bytes("bytes in network order:", bin,
		   family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr));
	printf("  inet_ntop gives back         \"%s\"\n",
	       inet_ntop(family, bin, back, sizeof(back)));
}

/* Listener on loopback port 0, a client connecting to it, accept; prints each sockaddr. */
static void bind_and_connect(int family)
{
	struct sockaddr_storage addr, peer;
	socklen_t alen, plen;
	char buf[80];
	int lfd, cfd, afd;

	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	alen = tour_loopback(family, &addr);
	if (bind(lfd, (struct sockaddr *)&addr, alen) < 0) {
		/* A machine with IPv6 disabled says so here; the lesson still stands for IPv4. */
		printf("bind(%s): %s, skipping this family\n",
		       tour_addr_str((struct sockaddr *)&addr, alen, buf, sizeof(buf)),
		       errname(errno));
		close(lfd);
		return;
	}
	printf("bind    asked for %s\n", tour_addr_str((struct sockaddr *)&addr, alen, buf,
							sizeof(buf)));
	if (listen(lfd, 1) < 0)
		die("listen");
	/* Port 0 meant "you choose": getsockname says what the kernel chose. */
	if (getsockname(lfd, (struct sockaddr *)&addr, &alen) < 0)
		die("getsockname");
	printf("listening on      %s\n", tour_addr_str((struct sockaddr *)&addr, alen, buf,
							sizeof(buf)));

	cfd = socket(family, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	if (connect(cfd, (struct sockaddr *)&addr, alen) < 0)
		die("connect");

	plen = sizeof(peer);
	afd = accept(lfd, (struct sockaddr *)&peer, &plen);
	if (afd < 0)
		die("accept");
	printf("accept  says the peer is %s (the client's ephemeral port)\n",
	       tour_addr_str((struct sockaddr *)&peer, plen, buf, sizeof(buf)));

	close(afd);
	close(cfd);
	close(lfd);
}

int main(void)
{
	tour_start();

	round_trip(AF_INET, "127.0.0.1");
	round_trip(AF_INET, "192.0.2.33");		/* documentation range, never routed */
	round_trip(AF_INET, "256.1.1.1");		/* not an IPv4 address: returns 0 */
	round_trip(AF_INET6, "::1");
	round_trip(AF_INET6, "2001:DB8:0:0:0:0:0:1");	/* comes back as 2001:db8::1 */
	round_trip(AF_INET6, "::ffff:127.0.0.1");	/* an IPv4 address mapped into IPv6 */

	printf("htons(8080) = 0x%04x: %s\n", htons(8080), htons(1) == 1 ?
	       "a big-endian machine, already in network order" :
	       "a little-endian machine, so the two bytes swap");

	bind_and_connect(AF_INET);
	bind_and_connect(AF_INET6);
	return 0;
}
