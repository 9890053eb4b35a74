/* Execs itself N times (through execve, execv, execvp, execl in turn), making a socket
 * call in each image: the process's sequence numbers run on across every exec. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int left = argc > 1 ? atoi(argv[1]) : 4;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	close(s);
	if (left <= 0)
		return 0;
	char next[16];
	snprintf(next, sizeof(next), "%d", left - 1);
	char *args[] = { argv[0], next, NULL };
	switch (left % 4) {
	case 0:
		execve("/proc/self/exe", args, environ);
		break;
	case 1:
		execv("/proc/self/exe", args);
		break;
	case 2:
		execvp(argv[0], args);
		break;
	default:
		execl("/proc/self/exe", argv[0], next, (char *)NULL);
	}
	perror("exec");
	return 1;
}
