/* Built with _FORTIFY_SOURCE=2 and _FILE_OFFSET_BITS=64: recv, recvfrom and read become
 * __recv_chk, __recvfrom_chk and __read_chk, fcntl becomes fcntl64, sendfile sendfile64. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	char buf[16];
	/* Not a constant: the fortified wrappers check it at run time. */
	volatile size_t len = sizeof(buf);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	send(sv[0], "one", 3, 0);
	send(sv[0], "two", 3, 0);
	send(sv[0], "three", 5, 0);
	ssize_t a = recv(sv[1], buf, len, 0);
	ssize_t b = recvfrom(sv[1], buf, len, 0, NULL, NULL);
	ssize_t c = read(sv[1], buf, len);
	/* sendfile becomes sendfile64 here. */
	char tmpl[] = "/tmp/socklens-fortified.XXXXXX";
	int file = mkstemp(tmpl);
	unlink(tmpl);
	ssize_t d = write(file, "file", 4) == 4 ? sendfile(sv[0], file, &(off_t){ 0 }, 4) : -1;
	printf("%zd %zd %zd %zd\n", a, b, c, d);
	return 0;
}
