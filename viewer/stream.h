/* stream: several trace files read as one stream of events, merged by time; bad lines reported. */
#ifndef SOCKLENS_STREAM_H
#define SOCKLENS_STREAM_H

#include "input.h"
#include "trace.h"

/* One parsed line that owns its bytes, so that it can wait in the reorder window. */
struct stream_slot {
	char *line;
	size_t cap;
	struct trace_event ev;
	struct arena arena;
};

/*
 * Threads of one process write their lines in a race, so a file can hold seq 11 before seq
 * 10 (a socket() that reused the number before the close() that freed it). Lines wait in a
 * small window, and a line goes out only after the lines of its process with a smaller seq.
 */
#define STREAM_WINDOW 32

struct stream_file {
	struct input in;
	struct stream_slot slots[STREAM_WINDOW + 1];
	struct stream_slot *win[STREAM_WINDOW]; /* waiting, in file order */
	size_t nwin;
	struct stream_slot *free_[STREAM_WINDOW + 1];
	size_t nfree;
	struct stream_slot *next; /* chosen to go out next (still counted in win) */
	struct stream_slot *out;  /* handed out; valid until the next call */
	bool eof;
};

struct stream {
	struct stream_file *files;
	size_t nfiles;
	uint64_t events;  /* events handed out */
	uint64_t skipped; /* bad lines */
	uint64_t reported;
	bool quiet;	  /* second pass: the first one already reported */
	bool read_error;
	bool summarized;
	struct sbuf why;
};

/* Exit statuses shared by every subcommand (documented in socklens.1). */
enum {
	EXIT_OK = 0,
	EXIT_SKIPPED = 1, /* output written, but some input lines were bad and skipped */
	EXIT_USAGE = 2,	  /* bad options, or an input that cannot be read at all */
};

/* Opens every file; reports the ones that fail and returns false. */
bool stream_open(struct stream *s, char *const *paths, size_t n, bool spool);
/* The next event in time order across the files, or NULL at the end of all of them. */
const struct trace_event *stream_next(struct stream *s);
/* Starts a second pass over the same bytes, silently. */
bool stream_rewind(struct stream *s);
/* Prints the skipped-lines summary once; returns the exit status the input deserves. */
int stream_finish(struct stream *s);
void stream_close(struct stream *s);

#endif
