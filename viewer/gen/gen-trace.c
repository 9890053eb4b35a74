/*
 * gen-trace: writes a synthetic socklens trace (format v1) for benchmarks and tests: a forking
 * TCP server on 127.0.0.1:8080, client processes making short connections, some UDP lookups
 * and some failures (ECONNREFUSED, EAGAIN). Deterministic for a given seed.
 *
 *   socklens-gen-trace [-n CALLS] [-s SEED] [-o FILE]
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *out;
static uint64_t calls, limit = 1000000;
static int64_t now = 1700000000000000000;
static uint64_t rng = 88172645463325252u;
static int64_t seqs[1 << 20]; /* per-pid sequence numbers; pids stay below 2^20 */

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void tick(void)
{
	now += 2000 + (int64_t)(rnd() % 20000);
}

static void head(int pid, const char *type)
{
	tick();
	fprintf(out,
		"{\"v\":1,\"type\":\"%s\",\"pid\":%d,\"tid\":%d,\"seq\":%" PRId64
		",\"ts_ns\":%" PRId64,
		type, pid, pid, seqs[pid]++, now);
}

/* One call line; `args` is the JSON object's body, `err` NULL for success. */
static void call(int pid, const char *name, int fd, long ret, const char *err, const char *fmt, ...)
{
	head(pid, "call");
	fprintf(out, ",\"call\":\"%s\",\"fd\":%d,\"ret\":%ld", name, fd, ret);
	if (err)
		fprintf(out, ",\"errno\":\"%s\"", err);
	/* a thread's calls do not overlap: the next starts after this one returned */
	uint64_t dur = 500 + rnd() % 20000;
	fprintf(out, ",\"dur_ns\":%" PRIu64 ",\"args\":{", dur);
	now += (int64_t)dur;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputs("}}\n", out);
	calls++;
}

static void proc(int pid, int parent, bool fork)
{
	seqs[pid] = 0;
	head(pid, "proc");
	fprintf(out,
		",\"ppid\":%d,\"exe\":\"/usr/sbin/httpd\",\"argv\":[\"httpd\",\"-p\",\"8080\"]",
		parent);
	if (fork)
		fprintf(out, ",\"fork_of\":%d", parent);
	fputs("}\n", out);
}

static void pexit(int pid, int status)
{
	head(pid, "exit");
	fprintf(out, ",\"status\":%d}\n", status);
}

#define INET(ip, port) "{\"family\":\"AF_INET\",\"ip\":\"" ip "\",\"port\":%d}"
static const char request[] =
    "GET /index.html HTTP/1.1\\\\r\\\\nHost: localhost:8080\\\\r\\\\nUser-Agent: gen";
static const char reply[] =
    "HTTP/1.1 200 OK\\\\r\\\\nContent-Length: 1024\\\\r\\\\nContent-Type: text/h";

int main(int argc, char **argv)
{
	const char *path = NULL;
	int c;
	while ((c = getopt(argc, argv, "n:s:o:h")) != -1) {
		switch (c) {
		case 'n':
			limit = strtoull(optarg, NULL, 10);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 10) * 2654435761u + 1;
			break;
		case 'o':
			path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: socklens-gen-trace [-n CALLS] [-s SEED] [-o FILE]\n");
			return 2;
		}
	}
	out = path ? fopen(path, "w") : stdout;
	if (!out) {
		perror(path);
		return 1;
	}
	static char buf[1 << 20];
	setvbuf(out, buf, _IOFBF, sizeof(buf));

	const int server = 1000, nclients = 4;
	proc(server, 1, false);
	call(server, "socket", 3, 3, NULL,
	     "\"domain\":\"AF_INET\",\"type\":\"SOCK_STREAM|SOCK_CLOEXEC\",\"protocol\":0");
	call(server, "bind", 3, 0, NULL, "\"addr\":" INET("0.0.0.0", "8080"), 8080);
	call(server, "listen", 3, 0, NULL, "\"backlog\":511");
	for (int i = 0; i < nclients; i++)
		proc(2000 + i, 1, false);
	int child = 10000, port = 32768;
	for (uint64_t conn = 0; calls < limit; conn++) {
		int cl = 2000 + (int)(conn % nclients);
		if (conn % 10 == 3) {
			/* a DNS-style lookup over UDP */
			call(cl, "socket", 6, 6, NULL,
			     "\"domain\":\"AF_INET\",\"type\":\"SOCK_DGRAM|SOCK_NONBLOCK\","
			     "\"protocol\":0");
			call(cl, "sendto", 6, 33, NULL,
			     "\"len\":33,\"flags\":0,\"data\":"
			     "\"\\\\x12\\\\x34\\\\x01\\\\x00\\\\x00\\\\x01localhost\",\"data_"
			     "trunc\":true,\"addr\":" INET("127.0.0.53", "53"),
			     53);
			if (rnd() % 4 == 0)
				call(cl, "recvfrom", 6, -1, "EAGAIN", "\"len\":512,\"flags\":0");
			call(cl, "recvfrom", 6, 49, NULL,
			     "\"len\":512,\"flags\":0,\"data\":"
			     "\"\\\\x12\\\\x34\\\\x81\\\\x80\\\\x00\\\\x01\",\"data_trunc\":true,"
			     "\"addr\":" INET("127.0.0.53", "53"),
			     53);
			call(cl, "close", 6, 0, NULL, "");
		}
		if (conn % 50 == 7) {
			call(cl, "socket", 5, 5, NULL,
			     "\"domain\":\"AF_INET\",\"type\":\"SOCK_STREAM\",\"protocol\":0");
			call(cl, "connect", 5, -1, "ECONNREFUSED",
			     "\"addr\":" INET("127.0.0.1", "8081"), 8081);
			call(cl, "close", 5, 0, NULL, "");
			continue;
		}
		port = port >= 60999 ? 32768 : port + 1;
		call(cl, "socket", 5, 5, NULL,
		     "\"domain\":\"AF_INET\",\"type\":\"SOCK_STREAM\",\"protocol\":0");
		call(cl, "connect", 5, 0, NULL,
		     "\"addr\":" INET("127.0.0.1", "8080") ",\"local\":" INET("127.0.0.1", "%d"),
		     8080, port);
		call(cl, "send", 5, 78, NULL,
		     "\"len\":78,\"flags\":\"MSG_NOSIGNAL\",\"data\":\"%s\",\"data_trunc\":true",
		     request);
		call(server, "accept4", 3, 4, NULL,
		     "\"peer\":" INET("127.0.0.1", "%d") ",\"local\":" INET(
			 "127.0.0.1", "8080") ",\"flags\":\"SOCK_CLOEXEC\"",
		     port, 8080);
		int kid = child++;
		if (child >= (1 << 20) - 1)
			child = 10000;
		proc(kid, server, true);
		call(server, "close", 4, 0, NULL, "");
		call(kid, "close", 3, 0, NULL, "");
		if (rnd() % 7 == 0)
			call(kid, "recv", 4, -1, "EAGAIN",
			     "\"len\":8192,\"flags\":\"MSG_DONTWAIT\"");
		call(kid, "recv", 4, 78, NULL,
		     "\"len\":8192,\"flags\":0,\"data\":\"%s\",\"data_trunc\":true", request);
		call(kid, "send", 4, 1090, NULL,
		     "\"len\":1090,\"flags\":0,\"data\":\"%s\",\"data_trunc\":true", reply);
		call(kid, "close", 4, 0, NULL, "");
		pexit(kid, 0);
		call(cl, "recv", 5, 1090, NULL,
		     "\"len\":16384,\"flags\":0,\"data\":\"%s\",\"data_trunc\":true", reply);
		call(cl, "close", 5, 0, NULL, "");
	}
	if (fclose(out) != 0) {
		perror("write");
		return 1;
	}
	return 0;
}
