/* A classic daemon: double fork, setsid, chdir("/"), close every descriptor (a loop over
 * 0..limit, or closefrom), then a high descriptor of its own put in place with dup2 at the
 * top of its limit (where the shim keeps its trace descriptor), and a connection made.
 * Its report goes through that descriptor into RESULT, which must hold the report and
 * nothing else. Usage: daemon RESULT loop|closefrom */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	char result[4096], tmp[4200];
	if (!realpath(argv[1], result) && strlen(argv[1]) < sizeof(result))
		strcpy(result, argv[1]);
	snprintf(tmp, sizeof(tmp), "%s.tmp", result);
	pid_t child = fork();
	if (child > 0) {
		int st;
		waitpid(child, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	setsid();
	if (fork() > 0)
		_exit(0);
	if (chdir("/") != 0)
		_exit(1);

	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	int high = (int)rl.rlim_cur - 1;
	int closed = 0;
	if (strcmp(argv[2], "closefrom") == 0)
		closefrom(0);
	else
		for (int fd = 0; fd <= high; fd++)
			closed += close(fd) == 0;
	for (int i = 0; i < 3; i++)
		open("/dev/null", O_RDWR);

	int out = open(tmp, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	int moved = dup2(out, high);
	close(out);

	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	bind(l, (struct sockaddr *)&a, len);
	listen(l, 4);
	getsockname(l, (struct sockaddr *)&a, &len);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	int cr = connect(c, (struct sockaddr *)&a, sizeof(a));
	int s = accept(l, NULL, NULL);
	char buf[8];
	send(c, "hi", 2, 0);
	ssize_t got = recv(s, buf, sizeof(buf), 0);

	char report[256];
	int n = snprintf(report, sizeof(report),
			 "closed=%d out=%d dup2=%d fds=%d,%d,%d connect=%d recv=%zd\n", closed, out,
			 moved == high, l, c, s, cr, got);
	if (write(high, report, (size_t)n) != n)
		_exit(1);
	close(high);
	close(s);
	close(c);
	close(l);
	rename(tmp, result);
	_exit(0);
}
