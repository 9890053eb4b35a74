/* stream: several trace files read as one stream of events, merged by time; bad lines reported. */
#include "stream.h"
#include "fmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Past this many messages a damaged gigabyte would only flood the terminal. */
#define MAX_REPORTS 50

/* Threads runnable right now, ourselves included (the fourth field of /proc/loadavg,
 * "running/total"), or -1 when it cannot be read. */
static long runnable_now(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	if (!f)
		return -1;
	long running = -1;
	if (fscanf(f, "%*s %*s %*s %ld/", &running) != 1)
		running = -1;
	fclose(f);
	return running;
}

/*
 * A reading thread pays only when a core is idle to run it: on a busy machine the hand-over
 * costs more than it saves (measured: docs/performance.md). Whether one is idle is asked of
 * the scheduler's count of runnable threads now, three times a millisecond apart; the load
 * average would still count a job that ended seconds ago. SOCKLENS_THREADS=1 or 0 decides.
 */
static bool use_threads(void)
{
	const char *th = getenv("SOCKLENS_THREADS");
	if (th && *th)
		return strcmp(th, "0") != 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 2)
		return false;
	long most = 0;
	for (int i = 0; i < 3; i++) {
		long r = runnable_now();
		if (r < 0) {
			double load[1];
			return getloadavg(load, 1) == 1 && load[0] + 1.0 <= (double)cpus;
		}
		if (r > most)
			most = r;
		if (i < 2)
			usleep(1000);
	}
	return most + 1 <= cpus;
}

/* Every slot free, nothing waiting; the reading thread is not running. */
static void file_reset(struct stream_file *f)
{
	f->nfree = 0;
	for (size_t i = 0; i < STREAM_SLOTS; i++)
		f->free_[f->nfree++] = &f->slots[i];
	f->ready_head = f->nready = 0;
	f->batch_pos = f->batch_n = f->nused = f->nwin = 0;
	f->next = f->out = NULL;
	f->stop = f->eof = f->drained = false;
}

bool stream_open(struct stream *s, char *const *paths, size_t n, bool spool)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->report_mu, NULL);
	/* A thread per file, so only as many files as CPUs; many files get small batches. */
	s->threads = use_threads() && n <= (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	s->batch = s->threads ? STREAM_BATCH : n <= 4 ? 64 : 16;
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
		f->s = s;
		f->slots = xzalloc(STREAM_SLOTS * sizeof(*f->slots));
		pthread_mutex_init(&f->mu, NULL);
		pthread_cond_init(&f->cv, NULL);
		file_reset(f);
		s->nfiles++;
	}
	return ok;
}

static void report(struct stream *s, const struct stream_file *f, const char *why)
{
	if (s->quiet)
		return;
	pthread_mutex_lock(&s->report_mu);
	s->skipped++;
	if (++s->reported <= MAX_REPORTS) {
		/* The reason may quote the line's bytes (jansson does): keep the terminal safe. */
		struct sbuf msg = {0};
		sb_put_tty(&msg, f->in.name, strlen(f->in.name));
		sb_printf(&msg, ":%" PRIu64 ": ", f->in.lineno);
		sb_put_tty(&msg, why, strlen(why));
		fprintf(stderr, "%s\n", sb_str(&msg));
		sb_free(&msg);
	}
	pthread_mutex_unlock(&s->report_mu);
}

/* Reads and parses the next good line into sl; false at the end of the file. */
static bool parse_next(struct stream_file *f, struct stream_slot *sl)
{
	struct stream *s = f->s;
	for (;;) {
		const char *line;
		size_t len;
		enum input_status st = input_next(&f->in, &line, &len);
		switch (st) {
		case INPUT_EOF:
			return false;
		case INPUT_ERROR:
			if (!s->quiet)
				fprintf(stderr, "socklens: %s: %s\n", f->in.name, strerror(errno));
			s->read_error = true;
			return false;
		case INPUT_TOOLONG:
			report(s, f, "line longer than 16 MiB");
			continue;
		case INPUT_LINE:
		case INPUT_TORN:
			break;
		}
		/* The slot keeps its own copy: the input buffer moves on under waiting lines. */
		if (sl->cap < len + TRACE_PAD) {
			free(sl->line);
			sl->cap = len + TRACE_PAD > 256 ? len + TRACE_PAD : 256;
			sl->line = xzalloc(sl->cap);
		}
		memcpy(sl->line, line, len);
		sl->line[len] = '\0';
		sb_reset(&f->why);
		if (!trace_parse(sl->line, len, &sl->ev, &sl->arena, &f->why)) {
			/* A torn last line is the usual damage; name it rather than jansson's guess. */
			report(s, f,
			       st == INPUT_TORN ? "incomplete last line (no newline at the end)"
						: sb_str(&f->why));
			continue;
		}
		if (sl->ev.type != TRACE_SKIP)
			return true;
	}
}

/* Fills up to n slots in order; returns how many, and whether the file ended. */
static size_t parse_batch(struct stream_file *f, struct stream_slot **v, size_t n, bool *eof)
{
	size_t k = 0;
	while (k < n && !*eof) {
		if (parse_next(f, v[k]))
			k++;
		else
			*eof = true;
	}
	return k;
}

static void *reader(void *arg)
{
	struct stream_file *f = arg;
	struct stream_slot *v[STREAM_BATCH];
	bool eof = false;
	while (!eof) {
		pthread_mutex_lock(&f->mu);
		while (!f->nfree && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		size_t n = f->nfree < f->s->batch ? f->nfree : f->s->batch;
		for (size_t i = 0; i < n; i++)
			v[i] = f->free_[--f->nfree];
		pthread_mutex_unlock(&f->mu);

		size_t k = parse_batch(f, v, n, &eof);

		pthread_mutex_lock(&f->mu);
		for (size_t i = 0; i < k; i++)
			f->ready[(f->ready_head + f->nready++) % STREAM_SLOTS] = v[i];
		for (size_t i = k; i < n; i++)
			f->free_[f->nfree++] = v[i];
		f->eof = eof;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

static void give_back(struct stream_file *f)
{
	if (!f->nused)
		return;
	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < f->nused; i++)
		f->free_[f->nfree++] = f->used[i];
	f->nused = 0;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void release_slot(struct stream_file *f, struct stream_slot *sl)
{
	f->used[f->nused++] = sl;
	if (f->nused == f->s->batch)
		give_back(f);
}

/* The file's next parsed line, in file order, or NULL at its end. */
static struct stream_slot *take(struct stream_file *f)
{
	if (f->batch_pos < f->batch_n)
		return f->batch[f->batch_pos++];
	if (f->drained)
		return NULL;
	give_back(f);
	if (!f->s->threads) {
		/* the same work, here: fill a batch from the free slots */
		f->batch_n = 0;
		f->batch_pos = 0;
		size_t n = f->nfree < f->s->batch ? f->nfree : f->s->batch;
		for (size_t i = 0; i < n; i++)
			f->batch[i] = f->free_[--f->nfree];
		bool eof = false;
		size_t k = parse_batch(f, f->batch, n, &eof);
		for (size_t i = k; i < n; i++)
			f->free_[f->nfree++] = f->batch[i];
		f->batch_n = k;
		if (!k) {
			f->drained = true;
			return NULL;
		}
		return f->batch[f->batch_pos++];
	}
	if (!f->running) {
		if (pthread_create(&f->thread, NULL, reader, f) != 0) {
			fputs("socklens: cannot start a thread\n", stderr);
			exit(EXIT_USAGE);
		}
		f->running = true;
	}
	pthread_mutex_lock(&f->mu);
	while (!f->nready && !f->eof)
		pthread_cond_wait(&f->cv, &f->mu);
	size_t n = f->nready < f->s->batch ? f->nready : f->s->batch;
	for (size_t i = 0; i < n; i++) {
		f->batch[i] = f->ready[f->ready_head];
		f->ready_head = (f->ready_head + 1) % STREAM_SLOTS;
	}
	f->nready -= n;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	f->batch_pos = 0;
	f->batch_n = n;
	if (!n) {
		f->drained = true;
		return NULL;
	}
	return f->batch[f->batch_pos++];
}

static void stop_reader(struct stream_file *f)
{
	if (!f->running)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	f->running = false;
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
	return trace_end_ns(e);
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
	(void)s;
	if (f->out) {
		release_slot(f, f->out);
		f->out = NULL;
	}
	struct stream_slot *sl;
	while (f->nwin < STREAM_WINDOW && (sl = take(f)))
		f->win[f->nwin++] = sl;
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
		stop_reader(f);
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
	/* Every reader has reached its end (or been told to stop) before its counts are read. */
	for (size_t i = 0; i < s->nfiles; i++)
		stop_reader(&s->files[i]);
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
		struct stream_file *f = &s->files[i];
		stop_reader(f);
		input_close(&f->in);
		for (size_t k = 0; k < STREAM_SLOTS; k++) {
			free(f->slots[k].line);
			arena_free(&f->slots[k].arena);
		}
		free(f->slots);
		sb_free(&f->why);
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
	}
	free(s->files);
	pthread_mutex_destroy(&s->report_mu);
	memset(s, 0, sizeof(*s));
}
