/* The sink: the one place finished trace lines go into the trace file. */
#ifndef SL_SINK_H
#define SL_SINK_H

#include <stdbool.h>
#include <stddef.h>

/* Opens (appends to) the trace file, 0600, never through a symlink; fd placed high. */
int sl_sink_open(const char *path);
/* Hands one whole line to the file. Async-signal-safe. */
void sl_sink_write(const char *line, size_t len);
/* The sink's current descriptor, or -1. */
int sl_sink_fd(void);
/* The program wants the number the sink uses (dup2/dup3 target): move the sink away. */
void sl_sink_vacate(int fd);
/* The process is ending (destructor, _exit): stops being a user of the trace file, and as
 * the last user cuts the file to its last line. Lines after this are still written. */
void sl_sink_leave(void);

#endif
