/* THREADS threads each make CALLS send+recv pairs on their own socketpair: the trace must
 * hold every line, whole, with gapless sequence numbers. Usage: threads [THREADS CALLS] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static int calls = 10000;

static void *worker(void *arg)
{
	int sv[2];
	char c;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return (void *)1;
	for (int i = 0; i < calls / 2; i++) {
		if (send(sv[0], "x", 1, 0) != 1 || recv(sv[1], &c, 1, 0) != 1)
			return (void *)1;
	}
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 32;
	calls = argc > 2 ? atoi(argv[2]) : 10000;
	pthread_t t[256];
	if (n > 256)
		n = 256;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad |= r != NULL;
	}
	return bad;
}
