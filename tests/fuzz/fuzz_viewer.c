/*
 * fuzz_viewer: a libFuzzer target that hands its input to `socklens` as a trace file, through
 * the command's own main (viewer/main.c compiled with -Dmain=socklens_main), for one of the
 * commands that read traces (view, view --lane, view --html, stats, export --format chrome,
 * view of the file twice, merged, and view of it from a pipe), or all of them with
 * SOCKLENS_FUZZ_ALL=1; each with the fast parser and with jansson alone.
 * Besides the sanitizers, it checks what a user relies on: the exit status is 0 or 1 (2 means
 * the file could not be read, or an internal error), the two parsers give the same output,
 * terminal output is UTF-8 with no control characters but newlines and the viewer's own SGR
 * colours, the HTML page has no more markup elements than an empty trace's page (nothing from
 * the trace became a tag), and the Chrome export is JSON.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int socklens_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Memory files: the trace (opened by the viewer through its /proc/self/fd path), what the
 * command writes on stdout and stderr, and the file it writes with -o / --html. */
static int trace_fd, out_fd, err_fd, file_fd;
static char trace_path[64], file_path[64];
static int real_out = -1, real_err = -1;
/* The input, for the command that reads it from a pipe on stdin ("-"). */
static const uint8_t *in_data;
static size_t in_size;

static int memfd(const char *name, char *path, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	if (path)
		snprintf(path, size, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace_fd = memfd("trace", trace_path, sizeof(trace_path));
	file_fd = memfd("file", file_path, sizeof(file_path));
	out_fd = memfd("stdout", NULL, 0);
	err_fd = memfd("stderr", NULL, 0);
	/* The view reads COLUMNS and NO_COLOR; fix them so every run draws the same way. */
	setenv("COLUMNS", "100", 1);
	unsetenv("NO_COLOR");
	return 0;
}

struct result {
	int rc;
	char *out, *err, *file;
	size_t nout, nerr, nfile;
};

static char *slurp(int fd, size_t *n)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		abort();
	*n = (size_t)st.st_size;
	char *p = malloc(*n + 1);
	if (!p || pread(fd, p, *n, 0) != (ssize_t)*n)
		abort();
	p[*n] = '\0';
	return p;
}

static void reset(int fd)
{
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
}

static void run(const char *parser, char **args, struct result *r)
{
	int argc = 0;
	while (args[argc])
		argc++;
	/* Where libFuzzer left stdout and stderr (/dev/null with -close_fd_mask=3), kept once. */
	if (real_out < 0) {
		real_out = dup(1);
		real_err = dup(2);
	}
	reset(out_fd);
	reset(err_fd);
	reset(file_fd);
	fflush(stdout);
	fflush(stderr);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	setenv("SOCKLENS_PARSER", parser, 1);
	optind = 0; /* glibc: a full getopt reset before each command's option parsing */
	/* "-": the trace comes through a pipe, which the viewer spools for its second pass. */
	int saved_in = -1;
	if (strcmp(args[argc - 1], "-") == 0) {
		int p[2];
		if (pipe(p) != 0 || (saved_in = dup(0)) < 0 ||
		    write(p[1], in_data, in_size) != (ssize_t)in_size)
			abort();
		close(p[1]);
		dup2(p[0], 0);
		close(p[0]);
	}
	r->rc = socklens_main(argc, args);
	if (saved_in >= 0) {
		dup2(saved_in, 0);
		close(saved_in);
	}
	fflush(stdout);
	fflush(stderr);
	dup2(real_out, 1);
	dup2(real_err, 2);
	r->out = slurp(out_fd, &r->nout);
	r->err = slurp(err_fd, &r->nerr);
	r->file = slurp(file_fd, &r->nfile);
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
	free(r->file);
}

static void __attribute__((noreturn))
fail(const char *cmd, const char *what, const char *text, size_t n)
{
	fprintf(stderr, "fuzz_viewer: socklens %s: %s\n", cmd, what);
	if (text) {
		fprintf(stderr, "--- output (%zu bytes) ---\n", n);
		fwrite(text, 1, n > 4000 ? 4000 : n, stderr);
		fprintf(stderr, "\n---\n");
	}
	abort();
}

/* Length of the UTF-8 sequence at p (at most n bytes) and its code point; 0 if invalid. */
static size_t utf8_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = p[0] < 0x80	     ? 1
		     : (p[0] & 0xe0) == 0xc0 ? 2
		     : (p[0] & 0xf0) == 0xe0 ? 3
		     : (p[0] & 0xf8) == 0xf0 ? 4
					     : 0;
	if (!len || len > n)
		return 0;
	uint32_t c = len == 1 ? p[0] : p[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Terminal-safe: UTF-8, no C0 control but \n (and \t), no DEL, no C1; with `sgr`, ESC is
 * allowed only as the start of a colour sequence ESC [ digits/semicolons m. */
static void check_tty(const char *cmd, const char *what, const char *s, size_t n, bool sgr)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = utf8_char(p + i, n - i, &c);
		if (!len)
			fail(cmd, what, s, n);
		if (c == 0x1b && sgr && i + 1 < n && p[i + 1] == '[') {
			size_t j = i + 2;
			while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';'))
				j++;
			if (j < n && p[j] == 'm') {
				i = j + 1;
				continue;
			}
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0))
			fail(cmd, what, s, n);
		i += len;
	}
}

/* Markup that only the page itself may bring: as many of each as in an empty trace's page. */
static const char *const tags[] = {"<script", "<img",  "<iframe", "<object", "<embed",
				   "<style",  "<link", "<meta",	  "<base",   "<form"};
#define NTAGS (sizeof(tags) / sizeof(tags[0]))
static size_t page_tags[NTAGS];
static bool page_known;

static void count_tags(const char *s, size_t n, size_t *counts)
{
	for (size_t k = 0; k < NTAGS; k++) {
		counts[k] = 0;
		size_t len = strlen(tags[k]);
		for (size_t i = 0; i + len <= n; i++)
			if (strncasecmp(s + i, tags[k], len) == 0)
				counts[k]++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!page_known) {
		char *empty[] = {"socklens", "view", "--html", file_path, trace_path, NULL};
		struct result r;
		reset(trace_fd);
		run("auto", empty, &r);
		count_tags(r.file, r.nfile, page_tags);
		result_free(&r);
		page_known = true;
	}
	reset(trace_fd);
	in_data = data;
	in_size = size;
	/* The viewer picks its reading thread by the machine's load; the input picks it here,
	 * so that every input runs the same way each time it is replayed, and both ways are
	 * fuzzed. */
	setenv("SOCKLENS_THREADS", size & 1 ? "1" : "0", 1);
	if (pwrite(trace_fd, data, size, 0) != (ssize_t)size)
		abort();
	char *t = trace_path, *f = file_path;
	/* clang-format off */
	char *view[] = { "socklens", "view", "--color", "never", "--width", "80", t, NULL };
	char *color[] = { "socklens", "view", "--color", "always", t, NULL };
	char *window[] = { "socklens", "view", "--color", "never", "--from", "1us", "--to", "2ms",
			   "--call", "connect,send,recv", t, NULL };
	char *lane[] = { "socklens", "view", "--color", "never", "--lane", "1", "--lane", "2",
			 "--lane", "3", t, NULL };
	char *html[] = { "socklens", "view", "--html", f, t, NULL };
	char *stats[] = { "socklens", "stats", "--top", "3", t, NULL };
	char *export[] = { "socklens", "export", "--format", "chrome", "-o", f, t, NULL };
	char *merge[] = { "socklens", "view", "--color", "never", "--width", "60", t, t, NULL };
	char *piped[] = { "socklens", "view", "--color", "never", "--lane", "2", "-", NULL };
	char **cmds[] = { view, color, window, lane, html, stats, export, merge, piped };
	/* clang-format on */
	size_t ncmds = sizeof(cmds) / sizeof(cmds[0]);
	/* Fuzzing, one command per input (a hash of it picks which) keeps the rate up; replays
	 * (SOCKLENS_FUZZ_ALL=1, as tests/fuzz/fuzz.t runs them) take every command. */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	bool all = getenv("SOCKLENS_FUZZ_ALL") != NULL;
	for (size_t i = all ? 0 : h % ncmds; i < (all ? ncmds : h % ncmds + 1); i++) {
		char **c = cmds[i];
		const char *name = c == html	? "view --html"
				   : c == lane	? "view --lane"
				   : c == merge ? "view FILE FILE"
				   : c == piped ? "view -"
						: c[1];
		/* A pipe holds 64 KiB: a longer input (a replayed file) skips that command. */
		if (c == piped && size > 60000)
			continue;
		struct result fast, slow;
		run("auto", c, &fast);
		run("jansson", c, &slow);
		if (fast.rc != 0 && fast.rc != 1)
			fail(name, "exit status neither 0 nor 1", fast.err, fast.nerr);
		if (fast.rc != slow.rc)
			fail(name, "exit status differs between the fast parser and jansson",
			     slow.err, slow.nerr);
		if (fast.nout != slow.nout || memcmp(fast.out, slow.out, fast.nout) != 0)
			fail(name, "stdout differs between the fast parser and jansson", fast.out,
			     fast.nout);
		if (fast.nfile != slow.nfile || memcmp(fast.file, slow.file, fast.nfile) != 0)
			fail(name, "output file differs between the fast parser and jansson",
			     fast.file, fast.nfile);
		check_tty(name, "stdout not terminal-safe", fast.out, fast.nout, c == color);
		check_tty(name, "stderr not terminal-safe", fast.err, fast.nerr, false);
		if (c == html) {
			size_t counts[NTAGS];
			count_tags(fast.file, fast.nfile, counts);
			for (size_t k = 0; k < NTAGS; k++)
				if (counts[k] != page_tags[k])
					fail(name, tags[k], fast.file, fast.nfile);
		}
		if (c == export) {
			json_error_t e;
			json_t *j = json_loadb(fast.file, fast.nfile, JSON_ALLOW_NUL, &e);
			if (!j)
				fail(name, e.text, fast.file, fast.nfile);
			json_decref(j);
		}
		result_free(&fast);
		result_free(&slow);
	}
	return 0;
}
