/*
 * render_tty: the terminal timelines of `socklens view`. Each visible lane owns one row of
 * cells, one per column of the time axis; an event marks the cell its time falls in, the most
 * telling glyph winning. Rows are drawn once the second pass is over, grouped by process tree,
 * with both ends of a connection next to each other.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

#define GUTTER 6

/* One view per run of the command: module state rather than a handle passed around. */
static struct {
	const struct view_opts *o;
	struct lane_table *t;
	int cols; /* track columns */
	size_t nlanes, nprocs; /* as of the first pass; ids beyond are ignored */
	unsigned char prio[256];
	const char *color[256];
	unsigned char *proc_cells; /* [proc id - 1][cols] */
	bool *lane_hit;		   /* [lane id - 1]: has an event passing the filters */
} tty;

static const struct {
	char glyph;
	unsigned char prio;
	const char *sgr;
} glyph_style[] = {
	{ '!', 9, "1;31" }, /* failed */
	{ '?', 8, "33" },   /* EAGAIN, EINPROGRESS: expected by non-blocking code */
	{ 's', 6, "36" },   { 'c', 6, "36" }, { 'a', 6, "36" }, { '|', 6, "36" },
	{ 'b', 5, "35" },   { 'l', 5, "35" }, { 'h', 5, "35" }, { 'd', 5, "35" },
	{ '=', 4, NULL },   { '>', 3, NULL }, { '<', 3, NULL }, { 'o', 2, "2" },
	{ '-', 1, "2" },
	/* process rows */
	{ '[', 6, "1;34" }, { ']', 6, "1;34" }, { '+', 6, "1;34" }, { 'e', 6, "1;34" },
	{ '~', 1, "34" },
};

static int col_of(int64_t ts)
{
	int64_t span = tty.o->w1 - tty.o->w0 + 1;
	__int128 c = (__int128)(ts - tty.o->w0) * tty.cols / span;
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

void render_tty_begin(const struct view_opts *o, struct lane_table *t)
{
	tty.o = o;
	tty.t = t;
	tty.cols = o->width - GUTTER;
	tty.nlanes = t->nlanes;
	tty.nprocs = t->nprocs;
	for (size_t i = 0; i < sizeof(glyph_style) / sizeof(glyph_style[0]); i++) {
		tty.prio[(unsigned char)glyph_style[i].glyph] = glyph_style[i].prio;
		tty.color[(unsigned char)glyph_style[i].glyph] = glyph_style[i].sgr;
	}
	tty.proc_cells = calloc(t->nprocs ? t->nprocs : 1, (size_t)tty.cols);
	tty.lane_hit = calloc(t->nlanes ? t->nlanes : 1, sizeof(bool));
	if (!tty.proc_cells || !tty.lane_hit) {
		fputs("socklens: out of memory\n", stderr);
		exit(2);
	}
}

static unsigned char *lane_cells(struct lane *l)
{
	if (!l->user) {
		l->user = calloc(1, (size_t)tty.cols);
		if (!l->user) {
			fputs("socklens: out of memory\n", stderr);
			exit(2);
		}
	}
	return l->user;
}

void render_tty_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	const struct view_opts *o = tty.o;
	if (!hit->proc || hit->proc->id > tty.nprocs || !view_pid_ok(o, hit->proc->pid) ||
	    !view_call_ok(o, ev))
		return;
	unsigned char *pc = tty.proc_cells + (size_t)(hit->proc->id - 1) * (size_t)tty.cols;
	if (ev->type == TRACE_PROC) {
		mark(pc, ev->ts_ns, ev->fork_of >= 0 || hit->proc->t_exec != ev->ts_ns ? '[' : 'e');
		return;
	}
	if (ev->type == TRACE_EXIT) {
		mark(pc, ev->ts_ns, ']');
		return;
	}
	char g = ev->ci->glyph;
	if (ev->failed) {
		/* errno names are short; compare in place without building a string */
		char name[32];
		size_t n = ev->err.n < sizeof(name) - 1 ? ev->err.n : sizeof(name) - 1;
		memcpy(name, ev->err.p, n);
		name[n] = '\0';
		g = tables_errno_soft(name) ? '?' : '!';
	}
	struct lane *targets[3] = { hit->lane, hit->created[0], hit->created[1] };
	bool any = false;
	for (size_t i = 0; i < 3; i++) {
		struct lane *l = targets[i];
		if (!l || l->id > tty.nlanes || (i > 0 && l == hit->lane) || !view_lane_ok(o, l))
			continue;
		mark(lane_cells(l), ev->ts_ns, g);
		tty.lane_hit[l->id - 1] = true;
		any = true;
	}
	if (!hit->lane && !any)
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
	} units[] = { { 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" }, { 1, "ns" } };
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
	int64_t span = tty.o->w1 - tty.o->w0 + 1;
	/* A 1-2-5 step that leaves at least 10 columns between ticks. */
	int64_t step = 1;
	for (int64_t mag = 1; mag <= INT64_MAX / 10; mag *= 10) {
		static const int64_t m[] = { 1, 2, 5 };
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
	struct sbuf labels = { 0 }, ticks = { 0 };
	sb_printf(&labels, "%*s", GUTTER, "");
	sb_printf(&ticks, "%*s", GUTTER, "");
	for (int64_t v = 0; v < span; v += step) {
		int c = (int)((__int128)v * tty.cols / span);
		struct sbuf l = { 0 };
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

static bool lane_visible(const struct lane *l)
{
	if (!view_lane_ok(tty.o, l))
		return false;
	/* With a call filter, a lane shows only if one of its calls passed. */
	return !tty.o->ncalls || tty.lane_hit[l->id - 1];
}

static bool *lane_done;

static void draw_lane(const struct lane *l, const struct lane_proc *under, const char *mark_s)
{
	struct sbuf label = { 0 }, totals = { 0 };
	sb_printf(&label, "%s#%" PRIu32 " ", mark_s, l->id);
	if (l->proc != under)
		sb_printf(&label, "pid %" PRId64 " ", l->pid);
	sb_printf(&label, "fd %" PRId64 "  ", l->fd);
	lane_label(l, &label);
	if (l->conn)
		sb_printf(&totals, "conn %" PRIu32 " \u00b7 ", l->conn);
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
	/* A lane with no event in the window still shows its lifetime. */
	unsigned char *blank = NULL;
	const unsigned char *cells = l->user;
	if (!cells)
		cells = blank = calloc(1, (size_t)tty.cols);
	/* The gutter carries the connection bracket so paired rows read as one. */
	char prefix[32];
	bool grouped = strcmp(mark_s, " ") != 0;
	snprintf(prefix, sizeof(prefix), "%s%*s", grouped ? "\u2502" : " ", GUTTER - 1, "");
	draw_cells(cells, l->t_start, l->t_end, '-', prefix);
	free(blank);
	sb_free(&label);
	sb_free(&totals);
	lane_done[l->id - 1] = true;
}

static void draw_proc(const struct lane_proc *p)
{
	struct sbuf label = { 0 };
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
	unsigned char *pc = tty.proc_cells + (size_t)(p->id - 1) * (size_t)tty.cols;
	draw_cells(pc, p->t_start, p->t_end, '~', "      ");
	sb_free(&label);
}

/* The lanes of one connection, from its first, drawn together with a bracket. */
static void draw_conn(const struct lane *first, const struct lane_proc *under)
{
	const struct lane *head = tty.t->conn_head[first->conn];
	size_t n = 0;
	for (const struct lane *l = head; l; l = l->conn_next)
		if (!lane_done[l->id - 1] && lane_visible(l))
			n++;
	size_t i = 0;
	/* The lane that brought us here first, then its partners in order. */
	draw_lane(first, under, n > 1 ? "\u256d" : " ");
	i++;
	for (const struct lane *l = head; l; l = l->conn_next) {
		if (lane_done[l->id - 1] || !lane_visible(l))
			continue;
		i++;
		draw_lane(l, under, i == n ? "\u2570" : "\u251c");
	}
}

void render_tty_end(FILE *f)
{
	out = f;
	struct lane_table *t = tty.t;
	const struct view_opts *o = tty.o;
	lane_done = calloc(t->nlanes ? t->nlanes : 1, sizeof(bool));

	size_t visible = 0;
	for (struct lane *l = t->lanes; l; l = l->next)
		if (lane_visible(l))
			visible++;
	struct sbuf sb = { 0 };
	sb_printf(&sb, "%zu process%s, %zu lane%s", t->nprocs, t->nprocs == 1 ? "" : "es", t->nlanes,
		  t->nlanes == 1 ? "" : "s");
	if (visible != t->nlanes)
		sb_printf(&sb, " (%zu shown)", visible);
	sb_printf(&sb, ", %" PRIu64 " calls (%" PRIu64 " failed)", t->calls, t->errors);
	if (t->nconns)
		sb_printf(&sb, ", %" PRIu32 " connection%s paired", t->nconns, t->nconns == 1 ? "" : "s");
	if (t->lost)
		sb_printf(&sb, ", %" PRIu64 " lines lost", t->lost);
	sb_puts(&sb, ", ");
	fmt_dur(&sb, t->events ? t->t_max - t->t_min : 0);
	sgr("1");
	put_fit(sb.p, sb.n, (size_t)o->width);
	sgr_end("1");
	fputc('\n', out);
	if (o->w0 != o->t0 || o->to_ns >= 0) {
		sb_reset(&sb);
		sb_puts(&sb, "window ");
		fmt_reltime(&sb, o->w0 - o->t0);
		sb_puts(&sb, " s to ");
		fmt_reltime(&sb, o->w1 - o->t0);
		sb_puts(&sb, " s from the trace start");
		put_fit(sb.p, sb.n, (size_t)o->width);
		fputc('\n', out);
	}
	sb_free(&sb);
	if (!t->events) {
		fputs("(no events)\n", out);
		goto done;
	}
	draw_axis();

	/* Fork markers on the parent's row. */
	for (struct lane_proc *p = t->procs; p; p = p->next)
		if (p->parent && view_pid_ok(o, p->parent->pid) && p->t_start >= o->w0 &&
		    p->t_start <= o->w1)
			mark(tty.proc_cells + (size_t)(p->parent->id - 1) * (size_t)tty.cols,
			     p->t_start, '+');

	/* Processes in tree order: each parent, then its children, depth first. */
	size_t np = t->nprocs;
	struct lane_proc **first_child = calloc(np + 1, sizeof(*first_child));
	struct lane_proc **next_sib = calloc(np + 1, sizeof(*next_sib));
	struct lane_proc **last_child = calloc(np + 1, sizeof(*last_child));
	struct lane_proc **stack = calloc(np + 1, sizeof(*stack));
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		if (!p->parent)
			continue;
		uint32_t pi = p->parent->id;
		if (last_child[pi])
			next_sib[last_child[pi]->id] = p;
		else
			first_child[pi] = p;
		last_child[pi] = p;
	}
	size_t shown = 0;
	for (struct lane_proc *root = t->procs; root; root = root->next) {
		if (root->parent)
			continue;
		size_t sp = 0;
		stack[sp++] = root;
		while (sp) {
			struct lane_proc *p = stack[--sp];
			/* push children in reverse so the first child is drawn first */
			size_t mark_sp = sp;
			for (struct lane_proc *c = first_child[p->id]; c; c = next_sib[c->id])
				stack[sp++] = c;
			for (size_t a = mark_sp, b = sp - 1; sp > mark_sp && a < b; a++, b--) {
				struct lane_proc *tmp = stack[a];
				stack[a] = stack[b];
				stack[b] = tmp;
			}
			if (!view_pid_ok(o, p->pid))
				continue;
			bool any = false;
			for (struct lane *l = p->lanes; l; l = l->proc_next)
				if (!lane_done[l->id - 1] && lane_visible(l))
					any = true;
			if (!any && (o->nfds || o->ncalls))
				continue;
			draw_proc(p);
			for (struct lane *l = p->lanes; l; l = l->proc_next) {
				if (lane_done[l->id - 1] || !lane_visible(l))
					continue;
				if (l->conn)
					draw_conn(l, p);
				else
					draw_lane(l, p, " ");
				shown++;
			}
		}
	}
	free(first_child);
	free(next_sib);
	free(last_child);
	free(stack);
	if (!shown && (o->npids || o->nfds || o->ncalls))
		fputs("(no lanes match the filters)\n", out);
	sgr("2");
	fprintf(out, "%s\n", tables_legend());
	sgr_end("2");
done:
	for (struct lane *l = t->lanes; l; l = l->next) {
		free(l->user);
		l->user = NULL;
	}
	free(tty.proc_cells);
	free(tty.lane_hit);
	free(lane_done);
}
