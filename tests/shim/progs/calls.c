/* Makes one of each intercepted call with known arguments and prints what each returned,
 * so that a traced and an untraced run can be compared, and the trace against strace and
 * against tests/shim/expected/calls.txt. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static char out[16384];
static size_t outlen;

/* Results are kept in memory and printed at the end, so stdout makes no write() calls
 * between the socket calls (strace would see them). */
static long note(const char *what, long ret)
{
	int e = errno;
	outlen += (size_t)snprintf(out + outlen, sizeof(out) - outlen, "%s = %ld%s%s\n", what, ret,
				   ret < 0 ? " " : "", ret < 0 ? strerrorname_np(e) : "");
	errno = e;
	return ret;
}

static struct sockaddr_in loopback4(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

int main(void)
{
	char buf[256];
	int one = 1, zero = 0;
	char tmpl[] = "/tmp/socklens-calls.XXXXXX";
	int file = mkstemp(tmpl);
	unlink(tmpl);
	if (file < 0 || pwrite(file, "file-bytes", 10, 0) != 10)
		return 1;

	/* TCP: a listener, a non-blocking client, the accepted end. */
	int lfd = (int)note("socket", socket(AF_INET, SOCK_STREAM, 0));
	note("setsockopt", setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	struct sockaddr_in a = loopback4(0);
	note("bind", bind(lfd, (struct sockaddr *)&a, sizeof(a)));
	socklen_t alen = sizeof(a);
	getsockname(lfd, (struct sockaddr *)&a, &alen);
	note("listen", listen(lfd, 8));
	int cfd = (int)note("socket", socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP));
	note("connect", connect(cfd, (struct sockaddr *)&a, sizeof(a)));
	struct pollfd p = { .fd = cfd, .events = POLLOUT };
	poll(&p, 1, 5000);
	int soerr = -1;
	socklen_t soerrlen = sizeof(soerr);
	note("getsockopt", getsockopt(cfd, SOL_SOCKET, SO_ERROR, &soerr, &soerrlen));
	struct linger lg = { 1, 5 };
	note("setsockopt", setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	note("setsockopt", setsockopt(cfd, IPPROTO_TCP, 9999, &one, sizeof(one)));
	int sfd = (int)note("accept4", accept4(lfd, NULL, NULL, SOCK_CLOEXEC));
	note("fcntl", fcntl(cfd, F_GETFL));
	note("fcntl", fcntl(cfd, F_SETFL, O_RDWR));
	note("fcntl", fcntl(sfd, F_GETFD));
	note("fcntl", fcntl(sfd, F_SETFD, 0));

	note("send", send(cfd, "hello\n", 6, MSG_NOSIGNAL));
	note("recv", recv(sfd, buf, sizeof(buf), 0));
	struct iovec iov[2] = { { "ab", 2 }, { "\x01\"\\", 3 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	note("sendmsg", sendmsg(sfd, &m, 0));
	struct iovec riov = { buf, sizeof(buf) };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1 };
	note("recvmsg", recvmsg(cfd, &rm, 0));
	note("write", write(sfd, "\t\r", 2));
	note("read", read(cfd, buf, sizeof(buf)));
	note("writev", writev(cfd, iov, 2));
	note("readv", readv(sfd, &riov, 1));
	note("ioctl", ioctl(sfd, FIONBIO, &one));
	note("recv", recv(sfd, buf, sizeof(buf), 0));
	note("ioctl", ioctl(sfd, FIONBIO, &zero));
	note("sendfile", sendfile(cfd, file, &(off_t){ 0 }, 10));
	note("recv", recv(sfd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT));
	note("recv", recv(sfd, buf, 10, 0));
	note("shutdown", shutdown(cfd, SHUT_WR));
	note("recv", recv(sfd, buf, sizeof(buf), 0));

	/* Descriptor copies of a socket. */
	int d1 = (int)note("dup", dup(sfd));
	note("dup2", dup2(d1, 20));
	note("dup3", dup3(20, 21, O_CLOEXEC));
	note("close", close(d1));
	note("close", close(20));
	note("close", close(21));

	/* A descriptor passed over a UNIX socketpair. */
	int sv[2];
	note("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec x = { "x", 1 };
	struct msghdr fm = { .msg_iov = &x, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&fm);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &lfd, sizeof(int));
	note("sendmsg", sendmsg(sv[0], &fm, 0));
	char rbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr rfm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf,
			      .msg_controllen = sizeof(rbuf) };
	note("recvmsg", recvmsg(sv[1], &rfm, 0));
	int got;
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&rfm)), sizeof(int));
	note("close", close(got));

	/* UDP over IPv6, and a datagram larger than UDP allows. */
	int u = (int)note("socket", socket(AF_INET6, SOCK_DGRAM, 0));
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	note("bind", bind(u, (struct sockaddr *)&a6, sizeof(a6)));
	socklen_t a6len = sizeof(a6);
	getsockname(u, (struct sockaddr *)&a6, &a6len);
	note("sendto", sendto(u, "dgram", 5, 0, (struct sockaddr *)&a6, sizeof(a6)));
	struct sockaddr_in6 from;
	socklen_t fromlen = sizeof(from);
	note("recvfrom", recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen));
	static char big[70000];
	note("sendto", sendto(u, big, sizeof(big), 0, (struct sockaddr *)&a6, sizeof(a6)));

	/* Errors: a port nobody listens on, an address in use, a descriptor that is no socket. */
	int probe = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in closed = loopback4(0);
	bind(probe, (struct sockaddr *)&closed, sizeof(closed));
	alen = sizeof(closed);
	getsockname(probe, (struct sockaddr *)&closed, &alen);
	close(probe);
	int r = (int)note("socket", socket(AF_INET, SOCK_STREAM, 0));
	note("connect", connect(r, (struct sockaddr *)&closed, sizeof(closed)));
	int b = (int)note("socket", socket(AF_INET, SOCK_STREAM, 0));
	note("bind", bind(b, (struct sockaddr *)&a, sizeof(a)));
	note("recv", recv(file, buf, 1, 0));
	note("send", send(-1, "x", 1, 0));

	/* UNIX addresses: abstract and unnamed. */
	int un = (int)note("socket", socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	memcpy(ua.sun_path, "\0socklens-calls-test", 20);
	note("bind", bind(un, (struct sockaddr *)&ua, offsetof(struct sockaddr_un, sun_path) + 20));
	note("close", close(un));

	note("close", close(r));
	note("close", close(b));
	note("close", close(u));
	note("close", close(sv[0]));
	note("close", close(sv[1]));
	note("close", close(sfd));
	note("close", close(cfd));
	note("close", close(lfd));
	fwrite(out, 1, outlen, stdout);
	return 0;
}
