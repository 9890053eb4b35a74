/*
 * evil: a program whose trace is full of what a terminal must never receive raw — ESC, CSI,
 * OSC, BEL, C1 controls, invalid UTF-8 and markup — in its argv, its executable's name, a
 * Unix socket path, payloads and a failed call. Usage: evil DIR (a directory for the socket).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char nasty[] = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b"
			    "1;1H\xc2\x9b"
			    "2J\x07\x08\x7f"
			    "\xff\xfe\xc0\xaf\xed\xa0\x80</script><script>alert(1)</script>"
			    "<img src=x onerror=alert(2)>&amp;\r\n\t\x1bP+q\x1b\\";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: evil DIR\n");
		return 2;
	}
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/\x1b[7m\x9b\xff<b>s", argv[1]);
	unlink(a.sun_path);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls, 1) != 0) {
		perror("evil: listen");
		return 1;
	}
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) != 0)
		return 1;
	int s = accept(ls, NULL, NULL);
	char buf[256], all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	send(c, nasty, sizeof(nasty) - 1, 0);
	recv(s, buf, sizeof(buf), 0);
	send(s, all, sizeof(all), 0);
	recv(c, buf, sizeof(buf), MSG_WAITALL);
	/* An abstract address of raw bytes, refused: a failed connect with its address. With
	 * NUL=1 in the environment the name ends in a NUL byte, as when a program passes
	 * sizeof(struct sockaddr_un) for an abstract name. */
	struct sockaddr_un b = {.sun_family = AF_UNIX};
	memcpy(b.sun_path, "\0\x1b]2;x\x07\x9b", 9);
	int d = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(d, (struct sockaddr *)&b, sizeof(sa_family_t) + (getenv("NUL") ? 9 : 8));
	close(d);
	close(s);
	close(c);
	close(ls);
	unlink(a.sun_path);
	return 0;
}
