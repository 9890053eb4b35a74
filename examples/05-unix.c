/*
 * 05-unix: sockets in the UNIX domain (APUE 17.2-17.3, the sequel to chapter 16).
 *
 * Same calls, different addresses: a UNIX-domain socket is named by a path in the
 * file system, or (Linux only) by an abstract name that lives in no directory and
 * vanishes with the socket, or by nothing at all when socketpair makes both ends.
 *
 *  1. a stream server bound to a path in a fresh temporary directory; the client
 *     connects to the path; the path stays behind as a file until unlinked.
 *  2. the same over an abstract name: sun_path starts with a NUL byte and its length
 *     is given by addrlen, not by a terminating NUL.
 *  3. socketpair: two connected descriptors and no name at all, shared with a child.
 *
 * What to look for in the trace:
 *  - bind's "addr" is {"family":"AF_UNIX","path":"/tmp/..."} in part 1, and
 *    {"path":"socklens-tour-...","abstract":true} in part 2.
 *  - accept's "peer" is {"unnamed":true}: a client that never binds has no name.
 *  - socketpair's "sv": both descriptors; the child talks on one, the parent on the
 *    other, and each closes the end it does not use.
 *
 * Trace it:  socklens record -- build/examples/05-unix
 */
#include "tour.h"

/* One round trip over a listening UNIX socket: connect, accept, send, recv. */
static void talk(const char *label, const struct sockaddr_un *addr, socklen_t alen)
{
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	char buf[64], name[128];
	int lfd, cfd, afd;
	ssize_t n;

	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (const struct sockaddr *)addr, alen) < 0)
		die("bind");
	if (listen(lfd, 1) < 0)
		die("listen");
	printf("%s: listening on %s\n", label,
	       tour_addr_str((const struct sockaddr *)addr, alen, name, sizeof(name)));

	/* The connection completes into the backlog, so one process can play both. */
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	if (connect(cfd, (const struct sockaddr *)addr, alen) < 0)
		die("connect");
	afd = accept(lfd, (struct sockaddr *)&peer, &plen);
	if (afd < 0)
		die("accept");
	printf("%s: accepted fd %d, peer %s\n", label, afd,
	       tour_addr_str((struct sockaddr *)&peer, plen, name, sizeof(name)));

	if (send(cfd, "hi", 2, 0) != 2)
		die("send");
	n = recv(afd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("%s: server received \"%s\"\n", label, buf);

	close(afd);
	close(cfd);
	close(lfd);
}

static void path_socket(void)
{
	char dir[] = "/tmp/socklens-tour.XXXXXX";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	/* A private directory: no clash with another run, nothing left behind. */
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/echo.sock", dir);

	talk("path", &addr, sizeof(addr));

	/* Closing does not remove the name: it is a file, and the owner unlinks it. */
	if (unlink(addr.sun_path) < 0)
		die("unlink");
	rmdir(dir);
}

static void abstract_socket(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int len;

	/* sun_path[0] stays '\0'; the name follows, and addrlen says where it ends. */
	len = snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "socklens-tour-%d",
		       (int)getpid());
	talk("abstract", &addr, offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static void pair(void)
{
	char buf[64];
	int sv[2];
	pid_t pid;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	printf("socketpair: fds %d and %d, already connected\n", sv[0], sv[1]);

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);		/* the child keeps sv[1] */
		n = recv(sv[1], buf, sizeof(buf) - 1, 0);
		if (n < 0)
			die("child recv");
		buf[n] = '\0';
		printf("socketpair: child received \"%s\"\n", buf);
		if (send(sv[1], "hello parent", 12, 0) != 12)
			die("child send");
		close(sv[1]);
		exit(0);
	}
	close(sv[1]);			/* the parent keeps sv[0] */
	if (send(sv[0], "hello child", 11, 0) != 11)
		die("send");
	n = recv(sv[0], buf, sizeof(buf) - 1, 0);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("socketpair: parent received \"%s\"\n", buf);
	close(sv[0]);
	reap(pid);
}

int main(void)
{
	tour_start();
	path_socket();
	abstract_socket();
	pair();
	return 0;
}
