/* Runs CMD with a connected socket as its standard input and output (inetd style), the
 * shim preloaded in CMD only, and answers it. Usage: inherit TRACE CMD ARGS… */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int sv[2];
	if (argc < 3 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		close(sv[0]);
		close(sv[1]);
		setenv("SOCKLENS_OUT", argv[1], 1);
		setenv("LD_PRELOAD", getenv("PRELOAD"), 1);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	close(sv[1]);
	if (write(sv[0], "hello inetd\n", 12) != 12)
		return 1;
	shutdown(sv[0], SHUT_WR);
	char buf[64];
	ssize_t n = read(sv[0], buf, sizeof(buf));
	int st;
	waitpid(pid, &st, 0);
	printf("%.*s", (int)(n > 0 ? n : 0), buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
