/* The exec family: the new image's shim continues this process's sequence numbers, which
 * are handed over in SOCKLENS_SEQ (removed again from the new image's environment).
 * glibc's execv, execvp and execl* call execve internally, past any interposer, so each
 * of them is wrapped here. Everything runs on the stack: exec may follow vfork. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "sl_core.h"

#define ENV_MAX	      4096
#define ARG_MAX_EXECL 4096

/* envp plus SOCKLENS_SEQ=pid:seq into out; returns envp itself if it will not fit. */
static char *const *env_with_seq(char *const *envp, char **out, char *seq, size_t seqsize)
{
	if (!sl_cfg.on || !envp)
		return envp;
	size_t n = 0, k = 0;
	while (envp[n])
		n++;
	if (n + 2 > ENV_MAX)
		return envp;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], SL_SEQ_ENV "=", sizeof(SL_SEQ_ENV)) != 0)
			out[k++] = envp[i];
	sl_seq_env(seq, seqsize);
	out[k++] = seq;
	out[k] = NULL;
	return out;
}

#define WITH_SEQ_ENV(envp, newenv)   \
	char *newenv##_mem[ENV_MAX]; \
	char newenv##_seq[64];       \
	char *const *newenv = env_with_seq(envp, newenv##_mem, newenv##_seq, sizeof(newenv##_seq))

SL_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	sl_ensure();
	WITH_SEQ_ENV(envp, env);
	return sl_real_execve(path, argv, env);
}

SL_EXPORT int execv(const char *path, char *const argv[])
{
	sl_ensure();
	WITH_SEQ_ENV(environ, env);
	return sl_real_execve(path, argv, env);
}

SL_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	sl_ensure();
	WITH_SEQ_ENV(envp, env);
	return sl_real_execvpe(file, argv, env);
}

SL_EXPORT int execvp(const char *file, char *const argv[])
{
	sl_ensure();
	WITH_SEQ_ENV(environ, env);
	return sl_real_execvpe(file, argv, env);
}

SL_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	sl_ensure();
	WITH_SEQ_ENV(envp, env);
	return sl_real_fexecve(fd, argv, env);
}

/* execl, execlp, execle: the argument list gathered as glibc gathers it. */
/* Takes a pointer to the va_list: execle goes on reading the same list for envp. */
static int gather_args(const char *arg0, va_list *ap, char **argv)
{
	int n = 0;
	argv[n++] = (char *)arg0;
	while (arg0 && n < ARG_MAX_EXECL) {
		argv[n] = va_arg(*ap, char *);
		if (!argv[n])
			return n;
		n++;
	}
	if (!arg0)
		return 0;
	errno = E2BIG;
	return -1;
}

SL_EXPORT int execl(const char *path, const char *arg, ...)
{
	char *argv[ARG_MAX_EXECL + 1];
	va_list ap;
	va_start(ap, arg);
	int n = gather_args(arg, &ap, argv);
	va_end(ap);
	if (n < 0)
		return -1;
	return execv(path, argv);
}

SL_EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *argv[ARG_MAX_EXECL + 1];
	va_list ap;
	va_start(ap, arg);
	int n = gather_args(arg, &ap, argv);
	va_end(ap);
	if (n < 0)
		return -1;
	return execvp(file, argv);
}

SL_EXPORT int execle(const char *path, const char *arg, ...)
{
	char *argv[ARG_MAX_EXECL + 1];
	va_list ap;
	va_start(ap, arg);
	int n = gather_args(arg, &ap, argv);
	char *const *envp = n >= 0 ? va_arg(ap, char *const *) : NULL;
	va_end(ap);
	if (n < 0)
		return -1;
	return execve(path, argv, envp);
}
