/* UDP ping-pong with sendto/recvfrom between two processes on 127.0.0.1: `udp N`. */
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG 32

static int bound_socket(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	struct timeval tv = { .tv_sec = 5 }; /* a lost datagram ends the run instead of hanging */
	*a = (struct sockaddr_in){ .sin_family = AF_INET };
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = CALL(socket(AF_INET, SOCK_DGRAM, 0));
	if (fd < 0 || CALL(bind(fd, (struct sockaddr *)a, sizeof(*a))) < 0 ||
	    getsockname(fd, (struct sockaddr *)a, &len) < 0)
		die("udp socket");
	CALL(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	return fd;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 20000);
	bench_init();
	struct sockaddr_in ca, sa, from;
	int cfd = bound_socket(&ca), sfd = bound_socket(&sa);
	char buf[MSG];
	memset(buf, 'u', sizeof(buf));
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		CALL(close(cfd));
		for (long i = 0; i < n; i++) {
			socklen_t fl = sizeof(from);
			ssize_t r = CALL(recvfrom(sfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl));
			if (r != MSG || CALL(sendto(sfd, buf, MSG, 0, (struct sockaddr *)&from, fl)) != MSG)
				die("udp echo");
		}
		CALL(close(sfd));
		exit(0);
	}
	CALL(close(sfd));
	uint64_t t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		socklen_t fl = sizeof(from);
		if (CALL(sendto(cfd, buf, MSG, 0, (struct sockaddr *)&sa, sizeof(sa))) != MSG ||
		    CALL(recvfrom(cfd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl)) != MSG)
			die("udp ping");
	}
	uint64_t t1 = bench_now_ns();
	CALL(close(cfd));
	int st;
	if (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("child");
	bench_report(t1 - t0, (unsigned long)n);
	return 0;
}
