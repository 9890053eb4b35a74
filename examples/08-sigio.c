/*
 * 08-sigio: signal-driven I/O, SIGIO when data arrives (APUE 14.5.2 and 16.8).
 *
 * Instead of waiting in recv or poll, the process asks the kernel to send it SIGIO
 * whenever a socket becomes readable.  Two steps, in either of two spellings:
 *   who gets the signal:  fcntl(fd, F_SETOWN, getpid())   or  ioctl(fd, FIOSETOWN, &pid)
 *   turn it on:           fcntl(fd, F_SETFL, fl|O_ASYNC)   or  ioctl(fd, FIOASYNC, &on)
 * (SIOCSPGRP/SIOCGPGRP are the BSD socket names for setting and getting the owner.)
 * The signal says only "something happened": the handler counts, the main program
 * then drains the socket with non-blocking recvs until EAGAIN.
 *
 * What to look for in the trace:
 *  - fcntl "cmd":"F_SETOWN" with "arg" equal to the line's own "pid".
 *  - fcntl "cmd":"F_SETFL" with O_ASYNC in "arg" (and O_NONBLOCK, for the draining).
 *  - ioctl "req":"FIOSETOWN" with the pid as "arg", and "req":"FIOASYNC" with "arg":1.
 *  - the signal itself is no call, so it is not in the trace: the program prints it.
 *    Notice instead that the sendto lines come before a recv that finds data at once.
 *
 * Trace it:  socklens record -- build/examples/08-sigio
 */
#include "tour.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>

static volatile sig_atomic_t sigio_count;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;	/* only async-signal-safe work here; the rest is in main */
}

/* A UDP socket on a free loopback port; its address goes to *addr. */
static int bound_udp(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	*addr = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0)
		die("bind");
	if (getsockname(fd, (struct sockaddr *)addr, &len) < 0)
		die("getsockname");
	return fd;
}

/* Sends one datagram to fd's address, waits (bounded) for the SIGIO it causes, drains. */
static void poke_and_wait(const char *label, int fd, const struct sockaddr_in *addr)
{
	sig_atomic_t before = sigio_count;
	char buf[64];
	int tx, i;
	ssize_t n;

	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (tx < 0)
		die("socket");
	if (sendto(tx, label, strlen(label), 0, (const struct sockaddr *)addr,
		   sizeof(*addr)) < 0)
		die("sendto");

	/* usleep returns early when the signal interrupts it; 100 x 10 ms at most. */
	for (i = 0; i < 100 && sigio_count == before; i++)
		usleep(10000);
	if (sigio_count == before) {
		fprintf(stderr, "%s: no SIGIO arrived\n", label);
		exit(1);
	}
	printf("%s: SIGIO received (%d so far)\n", label, (int)sigio_count);

	/* Drain: the socket is non-blocking, so the last recv fails with EAGAIN. */
	for (i = 0; i < 16; i++) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			break;
		buf[n] = '\0';
		printf("%s: recv got \"%s\"\n", label, buf);
	}
	if (n >= 0 || errno != EAGAIN)
		die("recv");
	close(tx);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	struct sockaddr_in addr;
	int fd, flags, pid, on = 1, owner = 0;

	tour_start();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGIO, &sa, NULL) < 0)	/* SIGIO's default action kills */
		die("sigaction");

	/* The POSIX way: fcntl. */
	fd = bound_udp(&addr);
	if (fcntl(fd, F_SETOWN, getpid()) < 0)
		die("fcntl(F_SETOWN)");
	flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		die("fcntl(F_GETFL)");
	if (fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK) < 0)
		die("fcntl(F_SETFL)");
	poke_and_wait("fcntl", fd, &addr);
	close(fd);

	/* The ioctl way, on a second socket. */
	fd = bound_udp(&addr);
	pid = getpid();
	if (ioctl(fd, FIOSETOWN, &pid) < 0)
		die("ioctl(FIOSETOWN)");
	if (ioctl(fd, FIOASYNC, &on) < 0)
		die("ioctl(FIOASYNC)");
	if (ioctl(fd, FIONBIO, &on) < 0)	/* and FIONBIO is O_NONBLOCK's ioctl */
		die("ioctl(FIONBIO)");
	if (ioctl(fd, SIOCGPGRP, &owner) < 0)	/* the BSD name reads what FIOSETOWN set */
		die("ioctl(SIOCGPGRP)");
	printf("ioctl: owner is %d, our pid is %d\n", owner, pid);
	poke_and_wait("ioctl", fd, &addr);
	close(fd);
	return 0;
}
