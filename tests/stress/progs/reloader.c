/*
 * reloader: a server that re-executes itself to reload, keeping its listening socket, as
 * nginx and haproxy do. It forks a client, then serves CONNS connections per generation and
 * execs generation+1 on the same descriptor, GENS generations in all. Each reply names the
 * generation that served it; the client checks it saw 0, 0, …, 1, 1, … in order.
 * Usage: reloader GENS CONNS   (re-executed as: reloader GENS CONNS FD GEN CLIENTPID)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int client(struct sockaddr_in *addr, int gens, int conns)
{
	for (int g = 0; g < gens; g++) {
		for (int i = 0; i < conns; i++) {
			char buf[32], want[32];
			int s = socket(AF_INET, SOCK_STREAM, 0);
			if (s < 0 || connect(s, (struct sockaddr *)addr, sizeof(*addr)) != 0)
				return 1;
			ssize_t n = recv(s, buf, sizeof(buf) - 1, MSG_WAITALL);
			snprintf(want, sizeof(want), "generation %d\n", g);
			if (n != (ssize_t)strlen(want) || memcmp(buf, want, (size_t)n) != 0) {
				fprintf(stderr,
					"reloader: connection %d of generation %d: wrong reply\n",
					i, g);
				return 1;
			}
			close(s);
		}
	}
	return 0;
}

static int serve(char *self, int gens, int conns, int ls, int gen, pid_t kid)
{
	char reply[32];
	int n = snprintf(reply, sizeof(reply), "generation %d\n", gen);
	for (int i = 0; i < conns; i++) {
		int c = accept(ls, NULL, NULL);
		if (c < 0 || send(c, reply, (size_t)n, 0) != n)
			return 1;
		close(c); /* the client's recv sees the end of the reply */
	}
	if (gen + 1 < gens) {
		char a[5][16];
		snprintf(a[0], 16, "%d", gens);
		snprintf(a[1], 16, "%d", conns);
		snprintf(a[2], 16, "%d", ls);
		snprintf(a[3], 16, "%d", gen + 1);
		snprintf(a[4], 16, "%d", (int)kid);
		execl("/proc/self/exe", self, a[0], a[1], a[2], a[3], a[4], (char *)NULL);
		perror("reloader: exec");
		return 1;
	}
	close(ls);
	int st;
	if (waitpid(kid, &st, 0) != kid || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 6) {
		fprintf(stderr, "usage: reloader GENS CONNS\n");
		return 2;
	}
	int gens = atoi(argv[1]), conns = atoi(argv[2]);
	if (argc == 6)
		return serve(argv[0], gens, conns, atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(addr);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    listen(ls, 128) != 0 || getsockname(ls, (struct sockaddr *)&addr, &alen) != 0) {
		perror("reloader: listen");
		return 1;
	}
	pid_t kid = fork();
	if (kid < 0)
		return 1;
	if (kid == 0) {
		close(ls);
		exit(client(&addr, gens, conns));
	}
	return serve(argv[0], gens, conns, ls, 0, kid);
}
