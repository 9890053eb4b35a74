/* Ping-pong of small messages with send/recv between two processes, over a socketpair
 * (`pingpong unix N`) or TCP loopback (`pingpong tcp N`). Times N round trips. */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG 32

/* Reads exactly n bytes (loopback delivers small messages whole; the loop is for safety). */
static int recv_all(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = CALL(recv(fd, buf + got, n - got, 0));
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void tcp_pair(int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int one = 1;
	int l = CALL(socket(AF_INET, SOCK_STREAM, 0));
	if (l < 0 || CALL(bind(l, (struct sockaddr *)&a, sizeof(a))) < 0 ||
	    CALL(listen(l, 1)) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0)
		die("listen");
	sv[0] = CALL(socket(AF_INET, SOCK_STREAM, 0));
	if (sv[0] < 0 || CALL(connect(sv[0], (struct sockaddr *)&a, sizeof(a))) < 0)
		die("connect");
	sv[1] = CALL(accept(l, NULL, NULL));
	if (sv[1] < 0)
		die("accept");
	CALL(close(l));
	CALL(setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	CALL(setsockopt(sv[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pingpong unix|tcp [round-trips]\n");
		return 2;
	}
	long n = bench_arg(argc, argv, 2, 20000);
	bench_init();
	int sv[2];
	if (strcmp(argv[1], "tcp") == 0)
		tcp_pair(sv);
	else if (CALL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) < 0)
		die("socketpair");

	char buf[MSG];
	memset(buf, 'p', sizeof(buf));
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		CALL(close(sv[0]));
		for (long i = 0; i < n; i++)
			if (recv_all(sv[1], buf, MSG) < 0 || CALL(send(sv[1], buf, MSG, 0)) != MSG)
				die("child echo");
		CALL(close(sv[1]));
		exit(0);
	}
	CALL(close(sv[1]));
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		if (CALL(send(sv[0], buf, MSG, 0)) != MSG || recv_all(sv[0], buf, MSG) < 0)
			die("ping");
	uint64_t t1 = bench_now_ns();
	CALL(close(sv[0]));
	int st;
	if (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("child");
	bench_report(t1 - t0, (unsigned long)n);
	return 0;
}
