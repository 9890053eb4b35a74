/* Runs a command and prints its wall time and peak RSS (of the command and its children
 * waited for), for the viewer's figures: `rusage CMD ARGS...` -> "ns=... maxrss_kib=... status=..." on stderr. */
#include "bench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARGS...]\n");
		return 2;
	}
	uint64_t t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4");
	uint64_t t1 = bench_now_ns();
	fprintf(stderr, "ns=%llu maxrss_kib=%ld status=%d\n", (unsigned long long)(t1 - t0),
		ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
