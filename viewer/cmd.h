/* cmd: the subcommands of socklens, each in its own file, called from main.c. */
#ifndef SOCKLENS_CMD_H
#define SOCKLENS_CMD_H

#include <stdio.h>

int cmd_record(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* "socklens: " + message on stderr; returns EXIT_USAGE for `return usage_error(...)`. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The --parser option shared by the readers (a test hook: "jansson" or "auto"). */
int parse_parser_option(const char *cmd, const char *arg);

#ifndef SOCKLENS_VERSION
#define SOCKLENS_VERSION "0.1"
#endif

#endif
