/* Shared by the benchmark workloads: a clock, a call counter every process of a workload adds
 * to (kept in a shared anonymous page, so counting makes no system call the tracers would see),
 * and the one result line the runner reads. */
#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Socket calls made, by every process of the workload. */
static unsigned long *bench_calls;

static inline void bench_init(void)
{
	bench_calls = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bench_calls == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
}

/* Wraps one traced call: counts it, evaluates to its result. */
#define CALL(expr) (__atomic_fetch_add(bench_calls, 1, __ATOMIC_RELAXED), (expr))
/* The same for a call strace's filter (%network,read,write,close) leaves out, e.g. fcntl. */
#define CALL_NS(expr) (__atomic_fetch_add(bench_calls + 1, 1, __ATOMIC_RELAXED), CALL(expr))

static inline void die(const char *what)
{
	perror(what);
	exit(2);
}

/* The line the runner parses: elapsed time of the measured loop, the socket calls made
 * (getsockname, which socklens does not record, left out) and how many of them strace's
 * filter sees. */
static inline uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

/* Called after the children were waited for: cpu_ns is the CPU time (user + system) of the
 * whole workload, a steadier figure than the elapsed time on a busy machine. */
static inline void bench_report(uint64_t ns, unsigned long ops)
{
	unsigned long all = __atomic_load_n(bench_calls, __ATOMIC_RELAXED);
	unsigned long outside = __atomic_load_n(bench_calls + 1, __ATOMIC_RELAXED);
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	uint64_t cpu = tv_ns(self.ru_utime) + tv_ns(self.ru_stime) + tv_ns(kids.ru_utime) +
		       tv_ns(kids.ru_stime);
	printf("ns=%llu ops=%lu calls=%lu strace_calls=%lu cpu_ns=%llu\n", (unsigned long long)ns,
	       ops, all, all - outside, (unsigned long long)cpu);
}

static inline long bench_arg(int argc, char **argv, int i, long def)
{
	return argc > i ? strtol(argv[i], NULL, 10) : def;
}

#endif
