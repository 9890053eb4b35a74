/* render_detail: `socklens view --lane` — every call of the chosen lanes, like a friendlier strace. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static struct {
	const struct view_opts *o;
	struct lane_table *t;
	FILE *out;
	size_t nsel;
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

void render_tty_detail_begin(const struct view_opts *o, struct lane_table *t, FILE *out)
{
	det.o = o;
	det.t = t;
	det.out = out;
	struct sbuf sb = { 0 };
	for (struct lane *l = t->lanes; l; l = l->next) {
		if (!view_detail_lane(o, l))
			continue;
		det.nsel++;
		sb_reset(&sb);
		sb_printf(&sb, "lane #%" PRIu32 "  pid %" PRId64 " fd %" PRId64 "  ", l->id, l->pid,
			  l->fd);
		lane_label(l, &sb);
		sgr("1");
		fprintf(out, "%s\n", sb_str(&sb));
		sgr_end();
		sb_reset(&sb);
		sb_puts(&sb, "  ");
		lane_totals(l, &sb);
		sb_puts(&sb, "; from ");
		fmt_reltime(&sb, l->t_start - o->t0);
		sb_puts(&sb, " to ");
		fmt_reltime(&sb, l->t_end - o->t0);
		sb_puts(&sb, l->closed ? (l->exited ? " (process exit)" : " (closed)") : " (still open)");
		fprintf(out, "%s\n", sb_str(&sb));
		if (l->conn) {
			sb_reset(&sb);
			sb_printf(&sb, "  connection %" PRIu32 " with", l->conn);
			for (const struct lane *p = t->conn_head[l->conn]; p; p = p->conn_next)
				if (p != l)
					sb_printf(&sb, " #%" PRIu32 " (pid %" PRId64 " fd %" PRId64 ")",
						  p->id, p->pid, p->fd);
			fprintf(out, "%s\n", sb_str(&sb));
		}
	}
	sb_free(&sb);
	if (!det.nsel)
		fputs("(no lane matches)\n", out);
	else
		fputc('\n', out);
}

static bool selected(const struct lane *l)
{
	return l && view_detail_lane(det.o, l);
}

void render_tty_detail_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	if (ev->type != TRACE_CALL || !view_call_ok(det.o, ev))
		return;
	const struct lane *l = selected(hit->lane)	   ? hit->lane
			       : selected(hit->created[0]) ? hit->created[0]
			       : selected(hit->created[1]) ? hit->created[1]
							   : NULL;
	if (!l)
		return;
	struct sbuf *sb = &det.line;
	sb_reset(sb);
	fmt_reltime(sb, ev->ts_ns - det.o->t0);
	if (det.nsel > 1)
		sb_printf(sb, " #%" PRIu32, l->id);
	sb_putc(sb, ' ');
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
	if (ev->pid != l->pid || (ev->tid >= 0 && ev->tid != ev->pid))
		sb_printf(sb, "  [tid %" PRId64 "]", ev->tid);
	fprintf(det.out, "%s\n", sb_str(sb));
	sb_reset(sb);
	trace_format_bt(ev, sb, "      ", true);
	fputs(sb_str(sb), det.out);
}

void render_tty_detail_end(void)
{
	sb_free(&det.line);
}
