/* stream: several trace files read as one stream of events, merged by time; bad lines reported. */
#include "stream.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past this many messages a damaged gigabyte would only flood the terminal. */
#define MAX_REPORTS 50

static void file_reset(struct stream_file *f)
{
	f->nwin = 0;
	f->nfree = 0;
	for (size_t i = 0; i <= STREAM_WINDOW; i++)
		f->free_[f->nfree++] = &f->slots[i];
	f->next = f->out = NULL;
	f->eof = false;
}

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
		file_reset(f);
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

/* Reads and parses one more line into the window; false at the end of the file. */
static bool fill_one(struct stream *s, struct stream_file *f)
{
	while (!f->eof) {
		const char *line;
		size_t len;
		enum input_status st = input_next(&f->in, &line, &len);
		switch (st) {
		case INPUT_EOF:
			f->eof = true;
			return false;
		case INPUT_ERROR:
			if (!s->quiet)
				fprintf(stderr, "socklens: %s: %s\n", f->in.name, strerror(errno));
			s->read_error = true;
			f->eof = true;
			return false;
		case INPUT_TOOLONG:
			report(s, f, "line longer than 16 MiB");
			continue;
		case INPUT_LINE:
		case INPUT_TORN:
			break;
		}
		struct stream_slot *sl = f->free_[--f->nfree];
		/* The slot keeps its own copy: the input buffer moves on under waiting lines. */
		if (sl->cap < len + 1) {
			free(sl->line);
			sl->cap = len + 1 > 256 ? len + 1 : 256;
			sl->line = malloc(sl->cap);
			if (!sl->line) {
				fputs("socklens: out of memory\n", stderr);
				exit(EXIT_USAGE);
			}
		}
		memcpy(sl->line, line, len);
		sb_reset(&s->why);
		if (!trace_parse(sl->line, len, &sl->ev, &sl->arena, &s->why)) {
			/* A torn last line is the usual damage; name it rather than jansson's guess. */
			report(s, f, st == INPUT_TORN ? "incomplete last line (no newline at the end)"
						      : sb_str(&s->why));
			f->free_[f->nfree++] = sl;
			continue;
		}
		if (sl->ev.type == TRACE_SKIP) {
			f->free_[f->nfree++] = sl;
			continue;
		}
		f->win[f->nwin++] = sl;
		return true;
	}
	return false;
}

/*
 * When a line's call took effect on descriptor numbers: a close frees its number as it starts,
 * a call that creates one has it only when it returns, other calls act in between (their end
 * is what orders them after the creation of what they use).
 */
static int64_t effect_time(const struct trace_event *e)
{
	if (e->type != TRACE_CALL)
		return e->ts_ns;
	if (e->ci->kind == CK_CLOSE)
		return e->ts_ns;
	return e->ts_ns + (e->dur_ns > 0 ? e->dur_ns : 0);
}

/*
 * Chooses the file's next event: the first line in the window, unless a later line of the
 * same process took effect earlier — then that one (the earliest). Threads race between a
 * call's return and the write of its line, so neither file order nor seq is the order in which
 * numbers were freed and taken; the calls' own times are. A proc line of the process (exec)
 * is a barrier nothing moves across.
 */
static void choose(struct stream_file *f)
{
	f->next = NULL;
	if (!f->nwin)
		return;
	size_t best = 0;
	const struct trace_event *b = &f->win[0]->ev;
	int64_t bt = effect_time(b);
	if (b->type != TRACE_PROC) {
		for (size_t i = 1; i < f->nwin; i++) {
			const struct trace_event *e = &f->win[i]->ev;
			if (e->pid != b->pid)
				continue;
			if (e->type == TRACE_PROC)
				break;
			int64_t et = effect_time(e);
			if (et < bt) {
				best = i;
				bt = et;
			}
		}
	}
	f->next = f->win[best];
	memmove(&f->win[best], &f->win[best + 1], (f->nwin - best - 1) * sizeof(f->win[0]));
	f->nwin--;
}

/* Makes f->next the file's next event, or NULL at its end. */
static void advance(struct stream *s, struct stream_file *f)
{
	if (f->out) {
		f->free_[f->nfree++] = f->out;
		f->out = NULL;
	}
	while (f->nwin < STREAM_WINDOW && fill_one(s, f))
		;
	choose(f);
}

const struct trace_event *stream_next(struct stream *s)
{
	struct stream_file *best = NULL;
	for (size_t i = 0; i < s->nfiles; i++) {
		struct stream_file *f = &s->files[i];
		if (!f->next)
			advance(s, f);
		if (f->next && (!best || f->next->ev.ts_ns < best->next->ev.ts_ns))
			best = f;
	}
	if (!best)
		return NULL;
	/* Handed out now, recycled on the file's next advance: valid until the next call. */
	best->out = best->next;
	best->next = NULL;
	s->events++;
	return &best->out->ev;
}

bool stream_rewind(struct stream *s)
{
	bool ok = true;
	for (size_t i = 0; i < s->nfiles; i++) {
		struct stream_file *f = &s->files[i];
		file_reset(f);
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
		for (size_t k = 0; k <= STREAM_WINDOW; k++) {
			free(s->files[i].slots[k].line);
			arena_free(&s->files[i].slots[k].arena);
		}
	}
	free(s->files);
	sb_free(&s->why);
	memset(s, 0, sizeof(*s));
}
