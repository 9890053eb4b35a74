/*
 * churn: N short-lived TCP connections on 127.0.0.1, made by CLIENTS threads against one
 * accepting thread; each connection sends "ping", gets "pong" and is closed.
 * Usage: churn N CLIENTS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int total, clients;
static struct sockaddr_in addr;

static void *server(void *arg)
{
	int ls = *(int *)arg;
	for (int i = 0; i < total; i++) {
		char buf[4];
		int c = accept(ls, NULL, NULL);
		if (c < 0)
			return (void *)1;
		if (recv(c, buf, 4, MSG_WAITALL) != 4 || memcmp(buf, "ping", 4) != 0 ||
		    send(c, "pong", 4, 0) != 4)
			return (void *)1;
		close(c);
	}
	return NULL;
}

static void *client(void *arg)
{
	int n = total / clients + ((int)(size_t)arg < total % clients);
	for (int i = 0; i < n; i++) {
		char buf[4];
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0)
			return (void *)1;
		if (send(s, "ping", 4, 0) != 4 || recv(s, buf, 4, MSG_WAITALL) != 4 ||
		    memcmp(buf, "pong", 4) != 0)
			return (void *)1;
		close(s);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: churn N CLIENTS\n");
		return 2;
	}
	total = atoi(argv[1]);
	clients = atoi(argv[2]);
	if (clients < 1 || clients > 64)
		return 2;
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t alen = sizeof(addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    listen(ls, 512) != 0 || getsockname(ls, (struct sockaddr *)&addr, &alen) != 0) {
		perror("churn: listen");
		return 1;
	}
	pthread_t srv, cl[64];
	pthread_create(&srv, NULL, server, &ls);
	for (int i = 0; i < clients; i++)
		pthread_create(&cl[i], NULL, client, (void *)(size_t)i);
	int bad = 0;
	void *r;
	for (int i = 0; i < clients; i++) {
		pthread_join(cl[i], &r);
		bad |= r != NULL;
	}
	pthread_join(srv, &r);
	bad |= r != NULL;
	close(ls);
	return bad;
}
