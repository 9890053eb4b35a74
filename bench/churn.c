/* Connection churn: N short TCP connections on 127.0.0.1, each socket, fcntl, connect, send,
 * recv, shutdown, close on the client and accept, recv, send, recv (EOF), close on the
 * server, which is a forked child: `churn N`. */
#include "bench.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG 16

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 3000);
	bench_init();
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int l = CALL(socket(AF_INET, SOCK_STREAM, 0));
	if (l < 0 || CALL(bind(l, (struct sockaddr *)&a, sizeof(a))) < 0 ||
	    CALL(listen(l, 128)) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0)
		die("listen");
	char buf[MSG];
	memset(buf, 'c', sizeof(buf));
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (long i = 0; i < n; i++) {
			int c = CALL(accept(l, NULL, NULL));
			if (c < 0 || CALL(recv(c, buf, MSG, MSG_WAITALL)) != MSG ||
			    CALL(send(c, buf, MSG, 0)) != MSG || CALL(recv(c, buf, MSG, 0)) != 0)
				die("server");
			CALL(close(c));
		}
		CALL(close(l));
		exit(0);
	}
	CALL(close(l));
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int fd = CALL(socket(AF_INET, SOCK_STREAM, 0));
		if (fd < 0 || CALL_NS(fcntl(fd, F_SETFD, FD_CLOEXEC)) < 0 ||
		    CALL(connect(fd, (struct sockaddr *)&a, sizeof(a))) < 0 ||
		    CALL(send(fd, buf, MSG, 0)) != MSG ||
		    CALL(recv(fd, buf, MSG, MSG_WAITALL)) != MSG || CALL(shutdown(fd, SHUT_WR)) < 0)
			die("client");
		CALL(close(fd));
	}
	uint64_t t1 = bench_now_ns();
	int st;
	if (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("server child");
	bench_report(t1 - t0, (unsigned long)n);
	return 0;
}
