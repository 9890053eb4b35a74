/*
 * render_detail: `socklens view --lane` — every call of the chosen lanes, like a friendlier
 * strace, printed as the events stream by; what the lane was and its totals come at the end,
 * once they are known.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static struct {
	const struct view_opts *o;
	FILE *out;
	struct lane **sel; /* the chosen lanes, held */
	size_t nsel, cap;
	struct sbuf line;
} det;

static void sgr(const char *code)
{
	if (det.o->color)
		fprintf(det.out, "\033[%sm", code);
}

static void sgr_end(void)
{
	if (det.o->color)
		fputs("\033[0m", det.out);
}

static void lane_created(struct lane_table *t, struct lane *l)
{
	(void)t;
	if (!view_detail_lane(det.o, l))
		return;
	det.sel = xgrow(det.sel, det.nsel, &det.cap, 8, sizeof(*det.sel));
	lane_hold(l);
	l->user = &det; /* marks it chosen */
	det.sel[det.nsel++] = l;
}

void render_tty_detail_begin(const struct view_opts *o, struct lane_ops *ops, FILE *out)
{
	memset(&det, 0, sizeof(det));
	det.o = o;
	det.out = out;
	ops->created = lane_created;
}

void render_tty_detail_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	if (ev->type != TRACE_CALL || !view_call_ok(det.o, ev))
		return;
	const struct lane *l = hit->lane && hit->lane->user		  ? hit->lane
			       : hit->created[0] && hit->created[0]->user ? hit->created[0]
			       : hit->created[1] && hit->created[1]->user ? hit->created[1]
									  : NULL;
	if (!l)
		return;
	struct sbuf *sb = &det.line;
	sb_reset(sb);
	fmt_reltime(sb, ns_sub(ev->ts_ns, det.o->t0));
	sb_printf(sb, " #%" PRIu32 " ", l->id);
	if (ev->pid != l->pid)
		sb_printf(sb, "[pid %" PRId64 "] ", ev->pid);
	sb_put_tty(sb, ev->call.p, ev->call.n);
	sb_printf(sb, "(%" PRId64, ev->fd);
	size_t before = sb->n;
	sb_puts(sb, ", ");
	trace_format_args(ev, sb, true);
	if (sb->n == before + 2)
		sb->n = before;
	sb_printf(sb, ") = %" PRId64, ev->ret);
	fputs(sb_str(sb), det.out);
	if (ev->failed) {
		fputc(' ', det.out);
		sgr("1;31");
		sb_reset(sb);
		sb_put_tty(sb, ev->err.p, ev->err.n);
		fputs(sb_str(sb), det.out);
		sgr_end();
	}
	sb_reset(sb);
	sb_puts(sb, "  <");
	fmt_dur(sb, ev->dur_ns);
	sb_puts(sb, ">");
	if (ev->tid >= 0 && ev->tid != ev->pid)
		sb_printf(sb, "  [tid %" PRId64 "]", ev->tid);
	fprintf(det.out, "%s\n", sb_str(sb));
	sb_reset(sb);
	trace_format_bt(ev, sb, "      ", true);
	fputs(sb_str(sb), det.out);
}

void render_tty_detail_end(struct lane_table *t)
{
	static const char *const ends[] = {
	    [LE_OPEN] = "still open",	  [LE_CLOSE] = "closed",
	    [LE_EXIT] = "process exit",	  [LE_EXEC] = "closed on exec",
	    [LE_REUSE] = "number reused", [LE_TRACE] = "still open at the end of the trace",
	};
	struct sbuf sb = {0};
	if (!det.nsel)
		fputs("(no lane matches)\n", det.out);
	for (size_t i = 0; i < det.nsel; i++) {
		struct lane *l = det.sel[i];
		sb_reset(&sb);
		sb_printf(&sb, "\nlane #%" PRIu32 "  pid %" PRId64 " fd %" PRId64 "  ", l->id,
			  l->pid, l->fd);
		lane_label(l, &sb);
		sgr("1");
		fprintf(det.out, "%s\n", sb_str(&sb));
		sgr_end();
		sb_reset(&sb);
		sb_puts(&sb, "  ");
		lane_totals(l, &sb);
		sb_puts(&sb, "; from ");
		fmt_reltime(&sb, ns_sub(l->t_start, det.o->t0));
		sb_puts(&sb, " to ");
		fmt_reltime(&sb, ns_sub(l->t_end, det.o->t0));
		sb_printf(&sb, " (%s)", ends[l->end]);
		if (lane_conn(l))
			sb_printf(&sb, "; connection %" PRIu32, lane_conn(l));
		fprintf(det.out, "%s\n", sb_str(&sb));
		l->user = NULL;
		lane_release(t, l);
	}
	free(det.sel);
	sb_free(&sb);
	sb_free(&det.line);
}
