/* main: `socklens SUBCOMMAND …` — dispatch, --help and --version. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "stream.h"

static const char usage[] =
    "usage: socklens COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Record what a program does with its sockets, then look at it.\n"
    "\n"
    "commands:\n"
    "  record [-o FILE] [OPTIONS] -- CMD ARGS...   run CMD with the socklens shim preloaded\n"
    "  view [OPTIONS] FILE...                      per-descriptor timelines (--html for a page)\n"
    "  stats [OPTIONS] FILE...                     time and errors per call, bytes per descriptor\n"
    "  export --format chrome [-o FILE] FILE...    Chrome trace-event JSON (Perfetto)\n"
    "\n"
    "`socklens COMMAND --help` describes each command; see also socklens(1).\n"
    "Exit status of view, stats and export: 0 ok, 1 some input lines were bad and skipped,\n"
    "2 usage error or unreadable input. record exits with the program's status.\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"record", cmd_record},
    {"view", cmd_view},
    {"stats", cmd_stats},
    {"export", cmd_export},
};

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "socklens %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `socklens %s --help`)\n", cmd);
	return EXIT_USAGE;
}

int parse_parser_option(const char *cmd, const char *arg)
{
	if (strcmp(arg, "jansson") == 0)
		trace_parser = TRACE_PARSER_JANSSON;
	else if (strcmp(arg, "auto") == 0)
		trace_parser = TRACE_PARSER_AUTO;
	else if (strcmp(arg, "fast") == 0)
		trace_parser = TRACE_PARSER_FAST;
	else
		return usage_error(cmd, "--parser must be auto, jansson or fast");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	/* Test hooks: SOCKLENS_PARSER=jansson reads every line the slow, reference way; =fast
	 * reports the lines the fast scanner would leave to jansson. */
	const char *parser = getenv("SOCKLENS_PARSER");
	if (parser && *parser && parse_parser_option("", parser))
		return EXIT_USAGE;
	const char *c = argv[1];
	if (strcmp(c, "-h") == 0 || strcmp(c, "--help") == 0 || strcmp(c, "help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
		printf("socklens %s (trace format 1)\n", SOCKLENS_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(c, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	struct sbuf name = {0};
	sb_put_tty(&name, c, strlen(c));
	fprintf(stderr, "socklens: unknown command '%s'\n\n%s", sb_str(&name), usage);
	sb_free(&name);
	return EXIT_USAGE;
}
