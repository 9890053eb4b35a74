/* stream: several trace files read as one stream of events, merged by time; bad lines reported. */
#include "stream.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past this many messages a damaged gigabyte would only flood the terminal. */
#define MAX_REPORTS 50

bool stream_open(struct stream *s, char *const *paths, size_t n, bool spool)
{
	memset(s, 0, sizeof(*s));
	s->files = calloc(n ? n : 1, sizeof(*s->files));
	if (!s->files)
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		struct stream_file *f = &s->files[s->nfiles];
		if (!input_open(&f->in, paths[i], spool)) {
			fprintf(stderr, "socklens: %s: %s\n", paths[i], strerror(errno));
			ok = false;
			continue;
		}
		s->nfiles++;
	}
	return ok;
}

static void report(struct stream *s, const struct stream_file *f, const char *why)
{
	if (s->quiet)
		return;
	s->skipped++;
	if (++s->reported > MAX_REPORTS)
		return;
	/* The reason may quote the line's bytes (jansson does): keep the terminal safe. */
	struct sbuf msg = { 0 };
	sb_put_tty(&msg, f->in.name, strlen(f->in.name));
	sb_printf(&msg, ":%" PRIu64 ": ", f->in.lineno);
	sb_put_tty(&msg, why, strlen(why));
	fprintf(stderr, "%s\n", sb_str(&msg));
	sb_free(&msg);
}

/* Fills f->ev with the file's next event, skipping blank, unknown and bad lines. */
static void advance(struct stream *s, struct stream_file *f)
{
	f->has_ev = false;
	while (!f->done) {
		const char *line;
		size_t len;
		enum input_status st = input_next(&f->in, &line, &len);
		switch (st) {
		case INPUT_EOF:
			f->done = true;
			return;
		case INPUT_ERROR:
			if (!s->quiet)
				fprintf(stderr, "socklens: %s: %s\n", f->in.name, strerror(errno));
			s->read_error = true;
			f->done = true;
			return;
		case INPUT_TOOLONG:
			report(s, f, "line longer than 16 MiB");
			continue;
		case INPUT_LINE:
		case INPUT_TORN:
			break;
		}
		sb_reset(&s->why);
		if (!trace_parse(line, len, &f->ev, &f->arena, &s->why)) {
			/* A torn last line is the usual damage; name it rather than jansson's guess. */
			report(s, f, st == INPUT_TORN ? "incomplete last line (no newline at the end)"
						      : sb_str(&s->why));
			continue;
		}
		if (f->ev.type == TRACE_SKIP)
			continue;
		f->has_ev = true;
		return;
	}
}

const struct trace_event *stream_next(struct stream *s)
{
	struct stream_file *best = NULL;
	for (size_t i = 0; i < s->nfiles; i++) {
		struct stream_file *f = &s->files[i];
		if (!f->has_ev && !f->done)
			advance(s, f);
		if (f->has_ev && (!best || f->ev.ts_ns < best->ev.ts_ns))
			best = f;
	}
	if (!best)
		return NULL;
	/* Handed out now, refilled on the next call: the event stays valid until then. */
	best->has_ev = false;
	s->events++;
	return &best->ev;
}

bool stream_rewind(struct stream *s)
{
	bool ok = true;
	for (size_t i = 0; i < s->nfiles; i++) {
		struct stream_file *f = &s->files[i];
		f->has_ev = f->done = false;
		if (!input_rewind(&f->in))
			ok = false;
	}
	s->quiet = true;
	s->events = 0;
	return ok;
}

int stream_finish(struct stream *s)
{
	if (s->skipped && !s->summarized) {
		s->summarized = true;
		if (s->reported > MAX_REPORTS)
			fprintf(stderr, "socklens: ... %" PRIu64 " more bad lines not shown\n",
				s->reported - MAX_REPORTS);
		fprintf(stderr, "socklens: %" PRIu64 " bad line%s skipped\n", s->skipped,
			s->skipped == 1 ? "" : "s");
	}
	if (s->read_error)
		return EXIT_USAGE;
	return s->skipped ? EXIT_SKIPPED : EXIT_OK;
}

void stream_close(struct stream *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		input_close(&s->files[i].in);
		arena_free(&s->files[i].arena);
	}
	free(s->files);
	sb_free(&s->why);
	memset(s, 0, sizeof(*s));
}
