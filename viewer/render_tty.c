/*
 * render_tty: the terminal timelines of `socklens view`. Each drawn lane owns one row of cells,
 * one per column of the time axis; an event marks the cell its time falls in, the most telling
 * glyph winning. Lanes are chosen as they are created (the first --max-lanes that pass the
 * filters) and drawn at the end, grouped by process tree, with both ends of a connection
 * next to each other.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#include "view.h"

#define GUTTER 6

/* What a drawn lane keeps: its cells, and whether a call passed the --call filter. */
struct drawn {
	struct lane *l;
	unsigned char *cells;
	bool hit;
	size_t order; /* position in the final drawing order */
};

/* One view per run of the command: module state rather than a handle passed around. */
static struct {
	const struct view_opts *o;
	struct lane_table *t;
	int cols; /* track columns */
	unsigned char prio[256];
	const char *color[256];
	struct drawn **v; /* drawn lanes in creation order; NULL where one was let go */
	size_t n, cap, kept;
	size_t procs_with_cells;
	uint64_t not_drawn; /* lanes that passed the filters beyond --max-lanes */
} tty;

static const struct {
	char glyph;
	unsigned char prio;
	const char *sgr;
} glyph_style[] = {
    {'!', 9, "1;31"}, /* failed */
    {'?', 8, "33"},   /* EAGAIN, EINPROGRESS: expected by non-blocking code */
    {'s', 6, "36"},
    {'c', 6, "36"},
    {'a', 6, "36"},
    {'|', 6, "36"},
    {'b', 5, "35"},
    {'l', 5, "35"},
    {'h', 5, "35"},
    {'d', 5, "35"},
    {'=', 4, NULL},
    {'>', 3, NULL},
    {'<', 3, NULL},
    {'o', 2, "2"},
    {'-', 1, "2"},
    /* process rows */
    {'[', 6, "1;34"},
    {']', 6, "1;34"},
    {'+', 6, "1;34"},
    {'e', 6, "1;34"},
    {'~', 1, "34"},
};

static int col_of(int64_t ts)
{
	int64_t span = ns_add(ns_sub(tty.o->w1, tty.o->w0), 1);
	__int128 c = ((__int128)ts - tty.o->w0) * tty.cols / span;
	if (c < 0)
		return 0;
	if (c >= tty.cols)
		return tty.cols - 1;
	return (int)c;
}

static void mark(unsigned char *cells, int64_t ts, char g)
{
	unsigned char *c = &cells[col_of(ts)];
	unsigned char old = *c;
	if ((old == '<' && g == '>') || (old == '>' && g == '<'))
		*c = '=';
	else if (tty.prio[(unsigned char)g] > tty.prio[old])
		*c = (unsigned char)g;
}

static void lane_created(struct lane_table *t, struct lane *l)
{
	tty.t = t;
	if (!view_lane_wanted(tty.o, l))
		return;
	if (tty.kept >= tty.o->max_lanes) {
		tty.not_drawn++;
		return;
	}
	struct drawn *d = xcalloc(1, sizeof(*d));
	d->l = l;
	d->cells = xcalloc(1, (size_t)tty.cols);
	lane_hold(l);
	l->user = d;
	tty.v = xgrow(tty.v, tty.n, &tty.cap, 256, sizeof(*tty.v));
	tty.v[tty.n++] = d;
	tty.kept++;
}

/* Lanes that ended before the window, or had no call through --call, give their place back. */
static void lane_closed(struct lane_table *t, struct lane *l)
{
	struct drawn *d = l->user;
	if (!d || (view_lane_ok(tty.o, l) && (!tty.o->ncalls || d->hit)))
		return;
	l->user = NULL;
	for (size_t i = tty.n; i-- > 0;) {
		if (tty.v[i] == d) {
			tty.v[i] = NULL;
			break;
		}
	}
	free(d->cells);
	free(d);
	tty.kept--;
	lane_release(t, l);
}

void render_tty_begin(const struct view_opts *o, struct lane_ops *ops)
{
	memset(&tty, 0, sizeof(tty));
	tty.o = o;
	tty.cols = o->width - GUTTER;
	for (size_t i = 0; i < sizeof(glyph_style) / sizeof(glyph_style[0]); i++) {
		tty.prio[(unsigned char)glyph_style[i].glyph] = glyph_style[i].prio;
		tty.color[(unsigned char)glyph_style[i].glyph] = glyph_style[i].sgr;
	}
	ops->created = lane_created;
	ops->closed = lane_closed;
	ops->ctx = NULL;
}

/* A process's row of cells, for the first --max-lanes processes. */
static unsigned char *proc_cells(struct lane_proc *p)
{
	if (!p->user && tty.procs_with_cells < tty.o->max_lanes && view_pid_ok(tty.o, p->pid)) {
		p->user = xcalloc(1, (size_t)tty.cols);
		tty.procs_with_cells++;
	}
	return p->user;
}

void render_tty_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	const struct view_opts *o = tty.o;
	if (!hit->proc || !view_call_ok(o, ev))
		return;
	unsigned char *pc = proc_cells(hit->proc);
	if (ev->type == TRACE_PROC) {
		if (pc)
			mark(pc, ev->ts_ns,
			     hit->proc->execs && hit->proc->t_exec == ev->ts_ns ? 'e' : '[');
		return;
	}
	if (ev->type == TRACE_EXIT) {
		if (pc)
			mark(pc, ev->ts_ns, ']');
		return;
	}
	char g = ev->ci->glyph;
	if (ev->failed) {
		char name[32];
		size_t n = ev->err.n < sizeof(name) - 1 ? ev->err.n : sizeof(name) - 1;
		memcpy(name, ev->err.p, n);
		name[n] = '\0';
		g = tables_errno_soft(name) ? '?' : '!';
	}
	struct lane *targets[3] = {hit->lane, hit->created[0], hit->created[1]};
	for (size_t i = 0; i < 3; i++) {
		struct lane *l = targets[i];
		if (!l || (i > 0 && l == hit->lane) || !l->user)
			continue;
		struct drawn *d = l->user;
		mark(d->cells, ev->ts_ns, g);
		d->hit = true;
	}
	if (!hit->lane && pc)
		mark(pc, ev->ts_ns, g);
}

/* ---- drawing ---- */

static FILE *out;

static void sgr(const char *code)
{
	if (tty.o->color && code)
		fprintf(out, "\033[%sm", code);
}

static void sgr_end(const char *code)
{
	if (tty.o->color && code)
		fputs("\033[0m", out);
}

/* Prints text cut to the remaining width, with "…" where it was cut. */
static void put_fit(const char *s, size_t n, size_t cols)
{
	if (fmt_width(s, n) <= cols) {
		fwrite(s, 1, n, out);
		return;
	}
	if (cols == 0)
		return;
	fwrite(s, 1, fmt_fit(s, n, cols - 1), out);
	fputs("\u2026", out);
}

static void draw_cells(const unsigned char *cells, int64_t t_start, int64_t t_end, char fill,
		       const char *prefix)
{
	fputs(prefix, out);
	int from = t_end < tty.o->w0 || t_start > tty.o->w1 ? tty.cols : col_of(t_start);
	int to = col_of(t_end);
	int last = tty.cols - 1;
	while (last >= 0 && !cells[last] && !(last >= from && last <= to))
		last--;
	const char *cur = NULL;
	for (int i = 0; i <= last; i++) {
		char g = cells[i] ? (char)cells[i] : (i >= from && i <= to) ? fill : ' ';
		const char *want = g == ' ' ? NULL : tty.color[(unsigned char)g];
		if (want != cur) {
			if (cur)
				sgr_end(cur);
			sgr(want);
			cur = want;
		}
		fputc(g, out);
	}
	if (cur)
		sgr_end(cur);
	fputc('\n', out);
}

/* "0", "500us", "1.5ms", "2s": the largest unit that keeps the number at least 1. */
static void put_tick_label(struct sbuf *sb, int64_t v)
{
	static const struct {
		int64_t ns;
		const char *name;
	} units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
	if (v == 0) {
		sb_putc(sb, '0');
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (v < units[i].ns && units[i].ns > 1)
			continue;
		int64_t whole = v / units[i].ns, frac = v % units[i].ns;
		sb_printf(sb, "%" PRId64, whole);
		if (frac) {
			/* at most three decimals, trailing zeros dropped */
			int64_t milli = frac * 1000 / units[i].ns;
			char d[24];
			snprintf(d, sizeof(d), ".%03" PRId64, milli);
			size_t n = strlen(d);
			while (n > 1 && d[n - 1] == '0')
				d[--n] = '\0';
			if (n > 1)
				sb_puts(sb, d);
		}
		sb_puts(sb, units[i].name);
		return;
	}
}

static void draw_axis(void)
{
	int64_t span = ns_add(ns_sub(tty.o->w1, tty.o->w0), 1);
	/* A 1-2-5 step that leaves at least 10 columns between ticks. */
	int64_t step = 1;
	for (int64_t mag = 1; mag <= INT64_MAX / 10; mag *= 10) {
		static const int64_t m[] = {1, 2, 5};
		bool found = false;
		for (size_t i = 0; i < 3; i++) {
			step = m[i] * mag;
			if ((__int128)step * tty.cols >= (__int128)span * 10) {
				found = true;
				break;
			}
		}
		if (found)
			break;
	}
	struct sbuf labels = {0}, ticks = {0};
	sb_printf(&labels, "%*s", GUTTER, "");
	sb_printf(&ticks, "%*s", GUTTER, "");
	for (int64_t v = 0; v < span; v = ns_add(v, step)) {
		int c = (int)((__int128)v * tty.cols / span);
		struct sbuf l = {0};
		put_tick_label(&l, v);
		size_t at = GUTTER + (size_t)c;
		if (labels.n <= at && at + l.n <= (size_t)tty.o->width) {
			while (labels.n < at)
				sb_putc(&labels, ' ');
			sb_put(&labels, l.p, l.n);
		}
		while (ticks.n < at)
			sb_putc(&ticks, ' ');
		sb_putc(&ticks, '|');
		sb_free(&l);
	}
	sgr("2");
	fprintf(out, "%s\n%s\n", sb_str(&labels), sb_str(&ticks));
	sgr_end("2");
	sb_free(&labels);
	sb_free(&ticks);
}

static void draw_lane(const struct drawn *d, const struct lane_proc *under, const char *mark_s)
{
	const struct lane *l = d->l;
	struct sbuf label = {0}, totals = {0};
	sb_printf(&label, "%s#%" PRIu32 " ", mark_s, l->id);
	if (l->proc != under)
		sb_printf(&label, "pid %" PRId64 " ", l->pid);
	sb_printf(&label, "fd %" PRId64 "  ", l->fd);
	lane_label(l, &label);
	uint32_t conn = lane_conn(l);
	if (conn)
		sb_printf(&totals, "conn %" PRIu32 " \u00b7 ", conn);
	lane_totals(l, &totals);
	size_t w = (size_t)tty.o->width;
	size_t lw = fmt_width(label.p, label.n), tw = fmt_width(totals.p, totals.n);
	sgr("1");
	if (lw + 3 + tw <= w) {
		fwrite(label.p, 1, label.n, out);
		sgr_end("1");
		fputs(" \u00b7 ", out);
		fwrite(totals.p, 1, totals.n, out);
		fputc('\n', out);
	} else {
		put_fit(label.p, label.n, w);
		sgr_end("1");
		fputc('\n', out);
		fprintf(out, "%*s", GUTTER, "");
		put_fit(totals.p, totals.n, w - GUTTER);
		fputc('\n', out);
	}
	/* The gutter carries the connection bracket so paired rows read as one. */
	char prefix[32];
	bool grouped = strcmp(mark_s, " ") != 0;
	snprintf(prefix, sizeof(prefix), "%s%*s", grouped ? "\u2502" : " ", GUTTER - 1, "");
	draw_cells(d->cells, l->t_start, l->t_end, '-', prefix);
	sb_free(&label);
	sb_free(&totals);
}

static void draw_proc(struct lane_proc *p)
{
	struct sbuf label = {0};
	sb_printf(&label, "pid %" PRId64, p->pid);
	if (p->fork_of >= 0)
		sb_printf(&label, " (fork of %" PRId64 ")", p->fork_of);
	sb_putc(&label, ' ');
	lane_proc_label(p, &label);
	if (p->execs)
		sb_printf(&label, ", %" PRIu32 " exec%s", p->execs, p->execs == 1 ? "" : "s");
	if (p->exited)
		sb_printf(&label, ", exit %" PRId64, p->status);
	if (p->errors)
		sb_printf(&label, ", %" PRIu64 " failed without a descriptor", p->errors);
	if (p->lost)
		sb_printf(&label, ", %" PRIu64 " lines lost", p->lost);
	sgr("1;34");
	put_fit(label.p, label.n, (size_t)tty.o->width);
	sgr_end("1;34");
	fputc('\n', out);
	unsigned char *blank = NULL, *pc = p->user;
	if (!pc)
		pc = blank = xcalloc(1, (size_t)tty.cols);
	draw_cells(pc, p->t_start, p->t_end, '~', "      ");
	free(blank);
	sb_free(&label);
}

/* Drawn lanes sorted by connection, to find a lane's partners. */
static struct drawn **by_conn;
static size_t nby_conn;

static int conn_cmp(const void *a, const void *b)
{
	const struct drawn *x = *(struct drawn *const *)a, *y = *(struct drawn *const *)b;
	uint32_t cx = lane_conn(x->l), cy = lane_conn(y->l);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	return x->l->id < y->l->id ? -1 : x->l->id > y->l->id;
}

static bool *lane_done; /* [index in tty.v] */

/* The lanes of one connection, from the one that brought us here, drawn with a bracket. */
static void draw_conn(struct drawn *first, const struct lane_proc *under)
{
	uint32_t c = lane_conn(first->l);
	size_t lo = 0, hi = nby_conn;
	while (lo < hi) { /* the first entry of connection c */
		size_t mid = (lo + hi) / 2;
		if (lane_conn(by_conn[mid]->l) < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	for (size_t i = lo; i < nby_conn && lane_conn(by_conn[i]->l) == c; i++)
		if (!lane_done[by_conn[i]->order])
			n++;
	draw_lane(first, under, n > 1 ? "\u256d" : " ");
	lane_done[first->order] = true;
	size_t k = 1;
	for (size_t i = lo; i < nby_conn && lane_conn(by_conn[i]->l) == c; i++) {
		struct drawn *d = by_conn[i];
		if (lane_done[d->order])
			continue;
		k++;
		draw_lane(d, under, k == n ? "\u2570" : "\u251c");
		lane_done[d->order] = true;
	}
}

static void header(struct lane_table *t)
{
	const struct view_opts *o = tty.o;
	struct sbuf sb = {0};
	sb_printf(&sb, "%" PRIu32 " process%s, %" PRIu32 " lane%s", t->nprocs,
		  t->nprocs == 1 ? "" : "es", t->nlanes, t->nlanes == 1 ? "" : "s");
	if (tty.kept != t->nlanes)
		sb_printf(&sb, " (%zu drawn)", tty.kept);
	sb_printf(&sb, ", %" PRIu64 " calls (%" PRIu64 " failed)", t->calls, t->errors);
	if (t->nconns)
		sb_printf(&sb, ", %" PRIu32 " connection%s paired", t->nconns,
			  t->nconns == 1 ? "" : "s");
	if (t->lost)
		sb_printf(&sb, ", %" PRIu64 " lines lost", t->lost);
	sb_puts(&sb, ", ");
	fmt_dur(&sb, ns_sub(o->t1, o->t0));
	sgr("1");
	put_fit(sb.p, sb.n, (size_t)o->width);
	sgr_end("1");
	fputc('\n', out);
	if (o->w0 != o->t0 || o->to_ns >= 0) {
		sb_reset(&sb);
		sb_puts(&sb, "window ");
		fmt_reltime(&sb, ns_sub(o->w0, o->t0));
		sb_puts(&sb, " s to ");
		fmt_reltime(&sb, ns_sub(o->w1, o->t0));
		sb_puts(&sb, " s from the trace start");
		put_fit(sb.p, sb.n, (size_t)o->width);
		fputc('\n', out);
	}
	sb_free(&sb);
}

void render_tty_end(struct lane_table *t, FILE *f)
{
	out = f;
	tty.t = t;
	const struct view_opts *o = tty.o;
	header(t);
	if (!o->events) {
		fputs("(no events)\n", out);
		goto done;
	}
	draw_axis();

	/* Fork markers on the parent's row. */
	for (struct lane_proc *p = t->procs; p; p = p->next)
		if (p->parent && p->parent->user && p->t_start >= o->w0 && p->t_start <= o->w1)
			mark(p->parent->user, p->t_start, '+');

	/* Drawn lanes, compacted; then by connection for draw_conn's lookups. */
	size_t n = 0;
	for (size_t i = 0; i < tty.n; i++)
		if (tty.v[i])
			tty.v[n++] = tty.v[i];
	tty.n = n;
	for (size_t i = 0; i < n; i++)
		tty.v[i]->order = i;
	lane_done = xcalloc(n + 1, sizeof(bool));
	by_conn = xcalloc(n + 1, sizeof(*by_conn));
	nby_conn = 0;
	for (size_t i = 0; i < n; i++)
		if (lane_conn(tty.v[i]->l))
			by_conn[nby_conn++] = tty.v[i];
	qsort(by_conn, nby_conn, sizeof(*by_conn), conn_cmp);

	/* Each process's drawn lanes, as index lists in creation order. */
	uint32_t np = t->nprocs;
	size_t *first = xcalloc(np + 1, sizeof(size_t)), *next = xcalloc(n + 1, sizeof(size_t));
	size_t *last = xcalloc(np + 1, sizeof(size_t));
	for (size_t i = n; i-- > 0;) { /* backwards, so the lists come out in order */
		uint32_t pid = tty.v[i]->l->proc->id;
		next[i] = first[pid];
		first[pid] = i + 1;
	}
	(void)last;

	/* Processes in tree order: each parent, then its children, depth first. */
	struct lane_proc **by_id = xcalloc(np + 1, sizeof(*by_id));
	uint32_t *first_child = xcalloc(np + 1, sizeof(uint32_t));
	uint32_t *next_sib = xcalloc(np + 1, sizeof(uint32_t));
	uint32_t *last_child = xcalloc(np + 1, sizeof(uint32_t));
	uint32_t *stack = xcalloc(np + 1, sizeof(uint32_t));
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		by_id[p->id] = p;
		if (!p->parent)
			continue;
		uint32_t pi = p->parent->id;
		if (last_child[pi])
			next_sib[last_child[pi]] = p->id;
		else
			first_child[pi] = p->id;
		last_child[pi] = p->id;
	}
	uint64_t procs_not_drawn = 0;
	for (struct lane_proc *root = t->procs; root; root = root->next) {
		if (root->parent)
			continue;
		size_t sp = 0;
		stack[sp++] = root->id;
		while (sp) {
			struct lane_proc *p = by_id[stack[--sp]];
			size_t base = sp;
			for (uint32_t c = first_child[p->id]; c; c = next_sib[c])
				stack[sp++] = c;
			for (size_t a = base, b = sp; b > a + 1;
			     a++, b--) { /* first child on top */
				uint32_t x = stack[a];
				stack[a] = stack[b - 1];
				stack[b - 1] = x;
			}
			if (!view_pid_ok(o, p->pid))
				continue;
			bool any = false;
			for (size_t i = first[p->id]; i; i = next[i - 1])
				if (!lane_done[i - 1])
					any = true;
			/* A process without lanes still tells of forks and execs, unless filtering. */
			if (!any && (o->nfds || o->ncalls || !p->user)) {
				procs_not_drawn += !p->user && !o->nfds && !o->ncalls;
				continue;
			}
			draw_proc(p);
			for (size_t i = first[p->id]; i; i = next[i - 1]) {
				struct drawn *d = tty.v[i - 1];
				if (lane_done[i - 1])
					continue;
				if (lane_conn(d->l))
					draw_conn(d, p);
				else
					draw_lane(d, p, " ");
				lane_done[i - 1] = true;
			}
		}
	}
	if (!n && (o->npids || o->nfds || o->ncalls))
		fputs("(no lanes match the filters)\n", out);
	if (tty.not_drawn || procs_not_drawn) {
		fprintf(out,
			"(%" PRIu64 " more lanes and %" PRIu64
			" more processes not drawn: narrow with --pid, --fd, --call, --from/--to,"
			" or raise --max-lanes)\n",
			tty.not_drawn, procs_not_drawn);
	}
	/* The legend, wrapped at the width between its entries. */
	sgr("2");
	const char *lg = tables_legend();
	size_t col = 0;
	while (*lg) {
		const char *sep = strstr(lg, "  ");
		size_t len = sep ? (size_t)(sep - lg) : strlen(lg);
		if (col && col + 2 + len > (size_t)o->width) {
			fputc('\n', out);
			col = 0;
		}
		if (col) {
			fputs("  ", out);
			col += 2;
		}
		fwrite(lg, 1, len, out);
		col += len;
		lg += len;
		while (*lg == ' ')
			lg++;
	}
	fputc('\n', out);
	sgr_end("2");
	free(first);
	free(next);
	free(last);
	free(by_id);
	free(first_child);
	free(next_sib);
	free(last_child);
	free(stack);
	free(by_conn);
	free(lane_done);
done:
	for (size_t i = 0; i < tty.n; i++) {
		if (!tty.v[i])
			continue;
		tty.v[i]->l->user = NULL;
		lane_release(t, tty.v[i]->l);
		free(tty.v[i]->cells);
		free(tty.v[i]);
	}
	free(tty.v);
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		free(p->user);
		p->user = NULL;
	}
}
