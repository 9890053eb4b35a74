/*
 * tour.h - the few helpers every example of the tour shares, kept apart so that
 * each example shows only its socket calls.  Nothing here calls a socket function,
 * so nothing here shows up in a trace.
 */
#ifndef SOCKLENS_TOUR_H
#define SOCKLENS_TOUR_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* A lesson that hangs would hang the test suite: every example dies after this. */
#define TOUR_DEADLINE_S 5

static inline void tour_start(void)
{
	/*
	 * Line-buffered even into a pipe, so nothing sits in the buffer when we
	 * fork (the child would print it a second time) and the output interleaves
	 * with the children's in the order it happened.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(TOUR_DEADLINE_S);
}

/* "EAGAIN": the same symbolic name the trace shows in its "errno" key. */
static inline const char *errname(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "?";
}

/* For the calls the lesson expects to succeed: say which one failed, and stop. */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s (%s)\n", what, errname(errno), strerror(errno));
	exit(1);
}

/* Formats an address as "127.0.0.1:40312", "[::1]:40312", "/tmp/x.sock" or "@name". */
static inline const char *tour_addr_str(const struct sockaddr *sa, socklen_t len,
					char *buf, size_t size)
{
	/* A copy, so no read goes past the len bytes the caller really has. */
	struct sockaddr_storage ss = { 0 };
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;
	const size_t path_off = offsetof(struct sockaddr_un, sun_path);
	char ip[INET6_ADDRSTRLEN];
	size_t n;

	memcpy(&ss, sa, len < sizeof(ss) ? len : sizeof(ss));
	switch (ss.ss_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		n = len > path_off ? len - path_off : 0;
		if (n > sizeof(sun->sun_path))
			n = sizeof(sun->sun_path);
		if (n == 0)
			snprintf(buf, size, "(unnamed)");
		else if (sun->sun_path[0] == '\0')	/* abstract: not NUL-terminated */
			snprintf(buf, size, "@%.*s", (int)(n - 1), sun->sun_path + 1);
		else
			snprintf(buf, size, "%.*s", (int)n, sun->sun_path);
		break;
	default:
		snprintf(buf, size, "(family %d)", ss.ss_family);
	}
	return buf;
}

/* The loopback address of a family, port 0: "any free port, kernel's choice". */
static inline socklen_t tour_loopback(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		return sizeof(*sin6);
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*sin);
}

/* Waits for a child and fails the example unless the child exited 0. */
static inline void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "child %d failed (status 0x%x)\n", (int)pid, st);
		exit(1);
	}
}

#endif
