/*
 * record: `socklens record` — run a program with the shim preloaded and its configuration in the
 * environment, then pass the program's exit status through, like time(1) or env(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "fmt.h"

/* env(1)'s convention: 125 socklens failed, 126 not executable, 127 not found. */
enum { RECORD_FAILED = 125, RECORD_NOEXEC = 126, RECORD_NOTFOUND = 127 };

static const char record_usage[] =
    "usage: socklens record [-o FILE] [OPTIONS] -- CMD [ARGS...]\n"
    "\n"
    "Runs CMD with the socklens shim preloaded; every socket call of CMD and of the\n"
    "processes it forks or execs becomes one JSON line in FILE.\n"
    "\n"
    "  -o, --output FILE  the trace (default: socklens-CMD.jsonl), emptied first\n"
    "  -a, --append       add to FILE instead of emptying it\n"
    "  --data N           bytes of payload preview per call (default 64, 0 for none)\n"
    "  --bt N             frames of call-site backtrace (default 0, none)\n"
    "  --calls LIST       only these calls, comma-separated (connect,send,recv...)\n"
    "  --failed           only calls that failed\n"
    "  --shim PATH        the libsocklens.so to preload\n"
    "  -q, --quiet        do not say where the trace went\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: CMD's own, 128+N if CMD was killed by signal N, 125 if socklens\n"
    "failed, 126 if CMD could not be run, 127 if CMD was not found.\n";

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The shim beside this executable (build tree), else the installed one. */
static char *find_shim(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		struct sbuf sb = {0};
		sb_puts(&sb, dirname(self));
		sb_puts(&sb, "/libsocklens.so");
		if (is_file(sb_str(&sb)))
			return sb.p;
		sb_free(&sb);
	}
#ifdef SOCKLENS_SHIM_INSTALLED
	if (is_file(SOCKLENS_SHIM_INSTALLED))
		return strdup(SOCKLENS_SHIM_INSTALLED);
#endif
	return NULL;
}

/* Absolute, because the program may chdir() before its first socket call. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	struct sbuf sb = {0};
	sb_printf(&sb, "%s/%s", cwd, path);
	sb_str(&sb);
	return sb.p;
}

static bool uint_arg(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static unsigned long count_lines(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	static char buf[1 << 16];
	unsigned long lines = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + r - p))); p++)
			lines++;
	close(fd);
	return lines;
}

static int fail(const char *msg, const char *arg)
{
	fprintf(stderr, "socklens record: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	return RECORD_FAILED;
}

int cmd_record(int argc, char **argv)
{
	enum { O_DATA = 256, O_BT, O_CALLS, O_FAILED, O_SHIM };
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"append", no_argument, NULL, 'a'},
	    {"data", required_argument, NULL, O_DATA},
	    {"bt", required_argument, NULL, O_BT},
	    {"calls", required_argument, NULL, O_CALLS},
	    {"failed", no_argument, NULL, O_FAILED},
	    {"shim", required_argument, NULL, O_SHIM},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL, *data = NULL, *bt = NULL, *calls = NULL, *shim_opt = NULL;
	bool append = false, failed = false, quiet = false;
	int c;
	/* "+": options end at the command, whose own options are not ours. */
	while ((c = getopt_long(argc, argv, "+o:aqh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'a':
			append = true;
			break;
		case O_DATA:
			if (!uint_arg(optarg))
				return fail("--data wants a number of bytes", optarg);
			data = optarg;
			break;
		case O_BT:
			if (!uint_arg(optarg))
				return fail("--bt wants a number of frames", optarg);
			bt = optarg;
			break;
		case O_CALLS:
			calls = optarg;
			break;
		case O_FAILED:
			failed = true;
			break;
		case O_SHIM:
			shim_opt = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(record_usage, stdout);
			return 0;
		default:
			fputs("(see `socklens record --help`)\n", stderr);
			return RECORD_FAILED;
		}
	}
	if (optind >= argc)
		return fail("no command given (socklens record -- CMD ARGS...)", NULL);
	char **cmd = argv + optind;

	char *shim = shim_opt ? absolute(shim_opt) : find_shim();
	if (!shim || !is_file(shim))
		return fail(
		    "cannot find libsocklens.so (beside socklens, or " SOCKLENS_SHIM_INSTALLED
		    "); use --shim PATH",
		    NULL);

	struct sbuf def = {0};
	if (!out) {
		/* socklens-curl.jsonl: named after the program, so runs of different ones coexist. */
		char *copy = strdup(cmd[0]);
		sb_printf(&def, "socklens-%s.jsonl", basename(copy));
		free(copy);
		out = sb_str(&def);
	}
	char *path = absolute(out);
	int fd =
	    path ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644)
		 : -1;
	if (fd < 0) {
		int rc = fail(strerror(errno), out);
		free(path);
		free(shim);
		sb_free(&def);
		return rc;
	}
	close(fd);

	/* After what is already preloaded: some libraries (ASan's runtime) insist on being first. */
	struct sbuf preload = {0};
	const char *old = getenv("LD_PRELOAD");
	if (old && *old) {
		sb_puts(&preload, old);
		sb_putc(&preload, ':');
	}
	sb_puts(&preload, shim);
	setenv("LD_PRELOAD", sb_str(&preload), 1);
	setenv("SOCKLENS_OUT", path, 1);
	if (data)
		setenv("SOCKLENS_DATA", data, 1);
	if (bt)
		setenv("SOCKLENS_BT", bt, 1);
	if (calls)
		setenv("SOCKLENS_CALLS", calls, 1);
	if (failed)
		setenv("SOCKLENS_FAILED", "1", 1);

	/* The child reports a failed exec through this pipe; a successful one closes it. */
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return fail(strerror(errno), "pipe");
	/* Like a shell waiting for a job: ^C goes to the program, we wait and report. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return fail(strerror(errno), "fork");
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		close(pfd[0]);
		execvp(cmd[0], cmd);
		int e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(RECORD_FAILED);
		_exit(e == ENOENT ? RECORD_NOTFOUND : RECORD_NOEXEC);
	}
	close(pfd[1]);
	int exec_errno = 0;
	ssize_t r;
	do
		r = read(pfd[0], &exec_errno, sizeof(exec_errno));
	while (r < 0 && errno == EINTR);
	close(pfd[0]);

	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);

	int rc;
	if (r == (ssize_t)sizeof(exec_errno)) {
		struct sbuf name = {0};
		sb_put_tty(&name, cmd[0], strlen(cmd[0]));
		fprintf(stderr, "socklens record: %s: %s\n", sb_str(&name), strerror(exec_errno));
		sb_free(&name);
		rc = exec_errno == ENOENT ? RECORD_NOTFOUND : RECORD_NOEXEC;
	} else if (WIFEXITED(status)) {
		rc = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		rc = 128 + WTERMSIG(status);
	} else {
		rc = RECORD_FAILED;
	}
	if (!quiet && r != (ssize_t)sizeof(exec_errno)) {
		struct sbuf msg = {0};
		sb_put_tty(&msg, out, strlen(out));
		unsigned long lines = count_lines(path);
		fprintf(stderr, "socklens: %lu line%s in %s", lines, lines == 1 ? "" : "s",
			sb_str(&msg));
		if (WIFSIGNALED(status))
			fprintf(stderr, " (the program was killed by signal %d)", WTERMSIG(status));
		fprintf(stderr, "; see it with: socklens view %s\n", sb_str(&msg));
		sb_free(&msg);
	}
	free(path);
	free(shim);
	sb_free(&preload);
	sb_free(&def);
	return rc;
}
