/* A socket wrapped in a FILE and closed with fclose, then a file that gets the same
 * number: its reads are file reads, not socket reads. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	char buf[8];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	FILE *f = fdopen(sv[0], "w");
	fputs("via stdio", f);
	fflush(f);
	fclose(f);
	int fd = open("/proc/self/cmdline", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf));
	printf("%d %d %zd\n", sv[0], fd, n);
	return 0;
}
