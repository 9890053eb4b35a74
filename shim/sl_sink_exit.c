/* _exit and _Exit: a process that ends without exit() (a forked child, a daemon, a signal
 * handler) leaves the trace file too, so that the last one out cuts the file to its last
 * line (see sl_sink.c). Nothing is recorded for them. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sl_core.h"
#include "sl_sink.h"

/* The real _exit is what the kernel's exit_group does; calling it directly needs no symbol
 * lookup, which could not be done safely from a signal handler or a vfork child. */
static _Noreturn void exit_now(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

SL_EXPORT void _exit(int status)
{
	sl_sink_leave();
	exit_now(status);
}

SL_EXPORT void _Exit(int status)
{
	sl_sink_leave();
	exit_now(status);
}
