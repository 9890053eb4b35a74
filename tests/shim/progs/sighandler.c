/* The main thread sends and receives in a loop while a second thread signals it N times;
 * the handler itself calls send and recv. Neither may deadlock nor tear a line.
 * Usage: sighandler N. Prints how many times the handler ran. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int hsv[2];
static volatile sig_atomic_t handled;
static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	char c;
	if (send(hsv[0], "h", 1, 0) == 1 && recv(hsv[1], &c, 1, 0) == 1)
		handled++;
}

static void *signaller(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	int n = atoi(getenv("SIGNALS") ? getenv("SIGNALS") : "10000");
	for (int i = 0; i < n; i++) {
		int before = handled;
		pthread_kill(main_thread, SIGUSR1);
		/* Wait (bounded) for it to be handled, so that no signal is merged with another. */
		for (int spin = 0; spin < 1000000 && handled == before; spin++)
			sched_yield();
	}
	done = 1;
	return NULL;
}

int main(void)
{
	int sv[2];
	char c;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	socketpair(AF_UNIX, SOCK_STREAM, 0, hsv);
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t self = pthread_self(), t;
	pthread_create(&t, NULL, signaller, &self);
	long loops = 0;
	while (!done && loops < 100000000) {
		send(sv[0], "m", 1, 0);
		recv(sv[1], &c, 1, 0);
		loops++;
	}
	pthread_join(t, NULL);
	printf("%d\n", (int)handled);
	return 0;
}
