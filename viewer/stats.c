/* stats: `socklens stats` — time and errors per call (like strace -c), bytes per descriptor. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lane.h"
#include "stream.h"

static const char stats_usage[] =
    "usage: socklens stats [OPTIONS] FILE...\n"
    "\n"
    "Per call: share of time, total seconds, microseconds per call, calls, errors —\n"
    "sorted by total time. Then errors by errno, and descriptors by bytes moved.\n"
    "\n"
    "  --top N     show the N busiest descriptors (default 20, 0 for all)\n"
    "  -h, --help  this help\n";

struct call_stat {
	char *name;
	uint64_t count, errors;
	int64_t time_ns;
};

struct stat_table {
	struct call_stat *v;
	size_t n, cap;
	ssize_t by_index[64]; /* call table index → slot, for the known calls */
};

static struct call_stat *stat_slot(struct stat_table *st, const struct trace_event *ev)
{
	size_t idx = tables_call_index(ev->ci);
	bool known = ev->ci->name[0] != '\0' && idx < 64;
	if (known && st->by_index[idx] >= 0)
		return &st->v[st->by_index[idx]];
	for (size_t i = 0; !known && i < st->n; i++)
		if (strlen(st->v[i].name) == ev->call.n &&
		    memcmp(st->v[i].name, ev->call.p, ev->call.n) == 0)
			return &st->v[i];
	st->v = xgrow(st->v, st->n, &st->cap, 32, sizeof(*st->v));
	struct call_stat *s = &st->v[st->n];
	memset(s, 0, sizeof(*s));
	struct sbuf name = {0};
	sb_put_tty(&name, ev->call.p, ev->call.n);
	sb_str(&name);
	s->name = name.p;
	if (known)
		st->by_index[idx] = (ssize_t)st->n;
	st->n++;
	return s;
}

static int by_time(const void *a, const void *b)
{
	const struct call_stat *x = a, *y = b;
	if (x->time_ns != y->time_ns)
		return x->time_ns > y->time_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* "a matters less than b": fewer bytes, or as many and created later. */
static bool less(const struct lane *a, const struct lane *b)
{
	uint64_t x = a->bytes_in + a->bytes_out, y = b->bytes_in + b->bytes_out;
	return x != y ? x < y : a->id > b->id;
}

static int by_bytes(const void *a, const void *b)
{
	const struct lane *x = *(const struct lane *const *)a, *y = *(const struct lane *const *)b;
	return less(x, y) ? 1 : less(y, x) ? -1 : 0;
}

/* The busiest lanes so far, as a min-heap: the least busy is the one to let go. */
struct top {
	struct lane_table *t;
	struct lane **v;
	size_t n, cap, limit; /* limit 0: keep all */
};

static void heap_swap(struct lane **v, size_t a, size_t b)
{
	struct lane *x = v[a];
	v[a] = v[b];
	v[b] = x;
}

static void heap_down(struct top *tp, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		if (l < tp->n && less(tp->v[l], tp->v[m]))
			m = l;
		if (r < tp->n && less(tp->v[r], tp->v[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(tp->v, i, m);
		i = m;
	}
}

static void top_closed(struct lane_table *t, struct lane *l)
{
	struct top *tp = t->ops.ctx;
	if (tp->limit && tp->n == tp->limit) {
		if (!less(tp->v[0], l))
			return;
		lane_release(tp->t, tp->v[0]);
		lane_hold(l);
		tp->v[0] = l;
		heap_down(tp, 0);
		return;
	}
	tp->v = xgrow(tp->v, tp->n, &tp->cap, 64, sizeof(*tp->v));
	lane_hold(l);
	size_t i = tp->n++;
	tp->v[i] = l;
	while (i > 0 && less(tp->v[i], tp->v[(i - 1) / 2])) {
		heap_swap(tp->v, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void print_calls(struct stat_table *st)
{
	if (st->n) /* qsort wants a valid pointer, even for nothing */
		qsort(st->v, st->n, sizeof(*st->v), by_time);
	int64_t total = 0;
	uint64_t calls = 0, errors = 0;
	for (size_t i = 0; i < st->n; i++) {
		if (__builtin_add_overflow(total, st->v[i].time_ns, &total))
			total = INT64_MAX;
		calls += st->v[i].count;
		errors += st->v[i].errors;
	}
	static const char rule[] =
	    "------ ----------- ----------- --------- --------- ----------------";
	printf("%6s %11s %11s %9s %9s %s\n", "% time", "seconds", "usecs/call", "calls", "errors",
	       "call");
	puts(rule);
	for (size_t i = 0; i < st->n; i++) {
		const struct call_stat *s = &st->v[i];
		char errs[24] = ""; /* blank when none, as strace -c does */
		if (s->errors)
			snprintf(errs, sizeof(errs), "%" PRIu64, s->errors);
		printf("%6.2f %11.6f %11" PRId64 " %9" PRIu64 " %9s %s\n",
		       total ? 100.0 * (double)s->time_ns / (double)total : 0.0,
		       (double)s->time_ns / 1e9,
		       s->count ? s->time_ns / 1000 / (int64_t)s->count : 0, s->count, errs,
		       s->name);
	}
	puts(rule);
	printf("%6.2f %11.6f %11s %9" PRIu64 " %9" PRIu64 " total\n", total ? 100.0 : 0.0,
	       (double)total / 1e9, "", calls, errors);
}

struct errno_stat {
	char *name;
	uint64_t count;
};

static int errno_cmp(const void *a, const void *b)
{
	const struct errno_stat *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"top", required_argument, NULL, 't'},
	    {"parser", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	long top = 20;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;
			top = strtol(optarg, &end, 10);
			if (*end || top < 0)
				return usage_error("stats", "--top needs a number");
			break;
		}
		case 'P':
			if (parse_parser_option("stats", optarg))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return EXIT_OK;
		default:
			return usage_error("stats", "unknown option");
		}
	}
	if (optind >= argc)
		return usage_error("stats", "no trace file given");

	trace_keep_json = false; /* stats never shows arguments */
	struct stream s;
	if (!stream_open(&s, argv + optind, (size_t)(argc - optind), false)) {
		stream_close(&s);
		return EXIT_USAGE;
	}
	struct stat_table st = {0};
	memset(st.by_index, -1, sizeof(st.by_index));
	struct errno_stat *errs = NULL;
	size_t nerrs = 0;
	struct lane_table t;
	struct top tp = {.t = &t, .limit = (size_t)top};
	struct lane_ops ops = {.closed = top_closed, .ctx = &tp};
	lane_table_init(&t, &ops);
	const struct trace_event *ev;
	struct lane_hit hit;
	while ((ev = stream_next(&s))) {
		lane_feed(&t, ev, &hit);
		if (ev->type != TRACE_CALL)
			continue;
		struct call_stat *cs = stat_slot(&st, ev);
		cs->count++;
		if (__builtin_add_overflow(cs->time_ns, ev->dur_ns > 0 ? ev->dur_ns : 0,
					   &cs->time_ns))
			cs->time_ns = INT64_MAX; /* saturating: durations come from the trace */
		if (!ev->failed)
			continue;
		cs->errors++;
		size_t i;
		for (i = 0; i < nerrs; i++)
			if (strlen(errs[i].name) == ev->err.n &&
			    memcmp(errs[i].name, ev->err.p, ev->err.n) == 0)
				break;
		if (i == nerrs) {
			errs = xrealloc(errs, nerrs + 1, sizeof(*errs));
			struct sbuf name = {0};
			sb_put_tty(&name, ev->err.p, ev->err.n);
			sb_str(&name);
			errs[nerrs].name = name.p;
			errs[nerrs].count = 0;
			nerrs++;
		}
		errs[i].count++;
	}
	lane_finish(&t);

	struct sbuf sb = {0};
	if (t.events)
		fmt_dur(&sb, ns_sub(t.t_max, t.t_min));
	else
		sb_puts(&sb, "0 s");
	printf("%" PRIu64 " events, %" PRIu32 " processes, %" PRIu32 " descriptors, %" PRIu64
	       " calls (%" PRIu64 " failed) over %s",
	       t.events, t.nprocs, t.nlanes, t.calls, t.errors, sb_str(&sb));
	if (t.lost)
		printf(", %" PRIu64 " lines lost", t.lost);
	printf("\n\n");
	print_calls(&st);

	if (nerrs) {
		qsort(errs, nerrs, sizeof(*errs), errno_cmp);
		printf("\n%9s  %s\n", "errors", "errno");
		for (size_t i = 0; i < nerrs; i++)
			printf("%9" PRIu64 "  %s\n", errs[i].count, errs[i].name);
	}

	if (t.nlanes) {
		qsort(tp.v, tp.n, sizeof(*tp.v), by_bytes);
		printf("\ndescriptors by bytes moved");
		if (tp.n < t.nlanes)
			printf(" (top %zu of %" PRIu32 ")", tp.n, t.nlanes);
		printf("\n%6s %-14s %10s %10s %7s %7s  %s\n", "lane", "pid:fd", "sent", "recv",
		       "calls", "failed", "what");
		for (size_t i = 0; i < tp.n; i++) {
			const struct lane *l = tp.v[i];
			struct sbuf a = {0}, b = {0}, what = {0}, id = {0};
			fmt_bytes(&a, l->bytes_out);
			fmt_bytes(&b, l->bytes_in);
			lane_label(l, &what);
			sb_printf(&id, "%" PRId64 ":%" PRId64, l->pid, l->fd);
			printf("%6" PRIu32 " %-14s %10s %10s %7" PRIu64 " %7" PRIu64 "  %s\n",
			       l->id, sb_str(&id), sb_str(&a), sb_str(&b), l->calls, l->errors,
			       sb_str(&what));
			sb_free(&a);
			sb_free(&b);
			sb_free(&what);
			sb_free(&id);
		}
	}
	for (size_t i = 0; i < tp.n; i++)
		lane_release(&t, tp.v[i]);
	free(tp.v);
	sb_free(&sb);
	for (size_t i = 0; i < st.n; i++)
		free(st.v[i].name);
	free(st.v);
	for (size_t i = 0; i < nerrs; i++)
		free(errs[i].name);
	free(errs);
	lane_table_free(&t);
	int rc = stream_finish(&s);
	stream_close(&s);
	return rc;
}
