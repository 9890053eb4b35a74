/* A server that forks a child per connection, and a client that makes N connections.
 * Usage: forkserver N. Every process writes into the one trace. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (bind(l, (struct sockaddr *)&a, len) || listen(l, 64) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return 1;
	pid_t client = fork();
	if (client == 0) {
		for (int i = 0; i < n; i++) {
			char buf[16];
			int c = socket(AF_INET, SOCK_STREAM, 0);
			if (connect(c, (struct sockaddr *)&a, sizeof(a)) != 0 ||
			    send(c, "ping", 4, 0) != 4 || recv(c, buf, sizeof(buf), 0) != 4)
				_exit(1);
			close(c);
		}
		exit(0);
	}
	for (int i = 0; i < n; i++) {
		int s = accept(l, NULL, NULL);
		if (s < 0)
			return 1;
		if (fork() == 0) {
			char buf[16];
			ssize_t got = recv(s, buf, sizeof(buf), 0);
			if (got > 0)
				send(s, buf, (size_t)got, 0);
			close(s);
			exit(0);
		}
		close(s);
	}
	int st, bad = 0;
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st);
	close(l);
	return bad;
}
