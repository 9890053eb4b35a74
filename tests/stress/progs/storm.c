/*
 * storm: PROCS processes × THREADS threads, each thread ITERS rounds of socketpair, send,
 * recv, setsockopt, shutdown and two closes (7 calls), payloads of every byte value, some
 * longer than the preview. PROCS 0: the threads run in this process. ITERS 0: rounds until
 * killed (at most 10 million); "running" is printed once every thread has made 100 rounds,
 * and SIGTERM ends the rounds and the program cleanly (exit 0).
 * Usage: storm PROCS THREADS ITERS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static long iters;
static atomic_int warm; /* threads past their 100th round */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *worker(void *arg)
{
	unsigned char buf[1500], got[1500];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + (size_t)arg);
	long n = iters ? iters : 10000000;
	for (long i = 0; i < n && !stop; i++) {
		int sv[2], one = 1;
		size_t len = i % 4 == 0 ? sizeof(buf) : (size_t)(i % 97) + 1;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return (void *)1;
		if (send(sv[0], buf, len, 0) != (ssize_t)len ||
		    recv(sv[1], got, len, MSG_WAITALL) != (ssize_t)len)
			return (void *)1;
		if (setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0 ||
		    shutdown(sv[0], SHUT_WR) != 0 || close(sv[0]) != 0 || close(sv[1]) != 0)
			return (void *)1;
		if (i == 99)
			atomic_fetch_add(&warm, 1);
	}
	return NULL;
}

static int threads(int n)
{
	pthread_t t[64];
	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(size_t)i) != 0)
			return 1;
	if (!iters) {
		while (atomic_load(&warm) < n)
			usleep(1000);
		printf("running\n");
		fflush(stdout);
	}
	int bad = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= r != NULL;
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: storm PROCS THREADS ITERS\n");
		return 2;
	}
	int procs = atoi(argv[1]), nthreads = atoi(argv[2]);
	iters = atol(argv[3]);
	if (procs == 0) {
		signal(SIGTERM, on_term);
		return threads(nthreads);
	}
	pid_t kids[64];
	if (procs > 64)
		procs = 64;
	for (int i = 0; i < procs; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			return 1;
		if (kids[i] == 0)
			exit(threads(nthreads));
	}
	int bad = 0;
	for (int i = 0; i < procs; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	return bad;
}
