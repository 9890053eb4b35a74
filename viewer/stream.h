/* stream: several trace files read as one stream of events, merged by time; bad lines reported. */
#ifndef SOCKLENS_STREAM_H
#define SOCKLENS_STREAM_H

#include <pthread.h>

#include "input.h"
#include "trace.h"

/* One parsed line that owns its bytes, so that it can wait, and travel between threads. */
struct stream_slot {
	char *line;
	size_t cap;
	struct trace_event ev;
	struct arena arena;
};

/*
 * Threads of one process write their lines in a race, so a file can hold a socket() that
 * reused a number before the close() that freed it. Lines wait in a small window, and a
 * line goes out only after the lines of its process that took effect earlier.
 */
#define STREAM_WINDOW 16
/* Lines parsed ahead by the reading thread, in batches: enough that neither side waits. */
#define STREAM_SLOTS 1024
#define STREAM_BATCH 256 /* at most */

/*
 * When a core is free, each file is read and parsed by a thread of its own, ahead of the
 * consumer, which runs the lanes and the renderer: parsed lines go over in batches, in slots
 * that come back when used. Otherwise (or with SOCKLENS_THREADS=0) the calling thread does
 * the same work, in the same batches.
 */
struct stream_file {
	struct input in;
	struct stream *s;
	struct stream_slot *slots; /* [STREAM_SLOTS] */
	struct sbuf why;

	/* shared with the reading thread, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, stop, eof;
	struct stream_slot *ready[STREAM_SLOTS]; /* ring, in file order */
	size_t ready_head, nready;
	struct stream_slot *free_[STREAM_SLOTS];
	size_t nfree;

	/* the consumer's own */
	struct stream_slot *batch[STREAM_BATCH];
	size_t batch_pos, batch_n;
	struct stream_slot *used[STREAM_BATCH]; /* to go back to free_ */
	size_t nused;
	struct stream_slot *win[STREAM_WINDOW]; /* waiting, in file order */
	size_t nwin;
	struct stream_slot *next; /* chosen to go out next */
	struct stream_slot *out;  /* handed out; valid until the next call */
	bool drained;
};

struct stream {
	struct stream_file *files;
	size_t nfiles;
	uint64_t events;  /* events handed out */
	uint64_t skipped; /* bad lines */
	uint64_t reported;
	bool quiet; /* second pass: the first one already reported */
	bool read_error;
	bool summarized;
	bool threads;
	size_t batch; /* lines per hand-over: fewer with many files, to keep few slots in use */
	pthread_mutex_t report_mu; /* reading threads report bad lines one at a time */
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
