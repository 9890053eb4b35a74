/*
 * render_html: `socklens view --html` — one self-contained page (no network resources): the
 * lanes as SVG on a zoomable time axis, a call's details on hover or click. Events are written
 * into the page as they stream by; lanes and processes at the end, once their labels are
 * complete. Every string from the trace is escaped for JSON and is put on the page with
 * textContent only, never parsed as HTML.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static struct {
	const struct view_opts *o;
	FILE *out;
	struct lane **v; /* drawn lanes, held */
	size_t n, cap;
	uint64_t not_drawn;
	bool first;
	struct sbuf sb, tmp;
} html;

static const char marker; /* l->user for a lane on the page */

static void lane_created(struct lane_table *t, struct lane *l)
{
	(void)t;
	if (!view_lane_wanted(html.o, l))
		return;
	if (html.n >= html.o->max_lanes) {
		html.not_drawn++;
		return;
	}
	html.v = xgrow(html.v, html.n, &html.cap, 256, sizeof(*html.v));
	lane_hold(l);
	l->user = (void *)&marker;
	html.v[html.n++] = l;
}

static void jstr(struct sbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	sb_put_json(sb, s, n);
	sb_putc(sb, '"');
}

/* Text from the trace, made ASCII (\xNN) first so the page never holds invalid UTF-8. */
static void jstr_user(struct sbuf *sb, const char *s, size_t n)
{
	sb_reset(&html.tmp);
	sb_put_tty(&html.tmp, s, n);
	jstr(sb, html.tmp.p ? html.tmp.p : "", html.tmp.n);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n"
    "<title>socklens</title>\n<style>\n"
    "body{font:13px/1.35 "
    "ui-monospace,Menlo,Consolas,monospace;margin:0;color:#222;background:#fff}\n"
    "header{padding:8px 12px;border-bottom:1px solid #ddd}\n"
    "header h1{font-size:15px;margin:0 0 4px}\n"
    "#bar{padding:4px 12px;border-bottom:1px solid "
    "#eee;position:sticky;top:0;background:#fafafa;z-index:2}\n"
    "#bar button{font:inherit;margin-right:4px}\n"
    "#wrap{display:flex;align-items:flex-start}\n"
    "#chart{flex:1;min-width:0}\n"
    "#detail{width:34%;max-width:520px;padding:8px 12px;border-left:1px solid "
    "#ddd;white-space:pre-wrap;"
    "word-break:break-all;position:sticky;top:34px;max-height:90vh;overflow:auto}\n"
    "svg text{font:12px ui-monospace,Menlo,Consolas,monospace}\n"
    ".proc text{fill:#1f4e9c;font-weight:bold}\n"
    ".life{stroke:#bbb;stroke-width:2}\n.plife{stroke:#9db3dd;stroke-width:3}\n"
    ".ev{cursor:pointer}\n.ev:hover{stroke:#000;stroke-width:1}\n"
    ".c-life{fill:#0a8a8a}.c-setup{fill:#8a3ab9}.c-data{fill:#555}.c-other{fill:#aaa}\n"
    ".c-soft{fill:#d8a000}.c-fail{fill:#d11}.c-proc{fill:#1f4e9c}\n"
    ".conn{fill:#0a8a8a;opacity:.35}\n.tick{stroke:#eee}\n.ticklabel{fill:#888}\n"
    ".sel{stroke:#000;stroke-width:2}\n"
    "</style></head>\n<body data-socklens=\"loading\">\n";

void render_html_begin(const struct view_opts *o, struct lane_ops *ops, FILE *out)
{
	memset(&html, 0, sizeof(html));
	html.o = o;
	html.out = out;
	html.first = true;
	ops->created = lane_created;
	fputs(page_head, out);
	fputs("<script>\n/* [lane, pid, t, dur, call, ret, errno, class, args] */\nconst EV=[",
	      out);
}

static const char *const class_names[] = {
    [CL_OTHER] = "other",
    [CL_DATA] = "data",
    [CL_SETUP] = "setup",
    [CL_LIFE] = "life",
};

void render_html_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	const struct view_opts *o = html.o;
	if (!hit->proc || !view_pid_ok(o, hit->proc->pid) || !view_call_ok(o, ev))
		return;
	struct lane *l = hit->lane && hit->lane->user == &marker	       ? hit->lane
			 : hit->created[0] && hit->created[0]->user == &marker ? hit->created[0]
									       : NULL;
	if (ev->type == TRACE_CALL && hit->lane && !l)
		return; /* a lane not on the page */
	struct sbuf *sb = &html.sb;
	sb_reset(sb);
	sb_puts(sb, html.first ? "\n[" : ",\n[");
	html.first = false;
	int64_t rel;
	if (__builtin_sub_overflow(ev->ts_ns, o->t0, &rel))
		rel = INT64_MAX; /* saturating: times come from the trace */
	sb_printf(sb, "%" PRIu32 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", l ? l->id : 0, ev->pid,
		  rel, ev->type == TRACE_CALL && ev->dur_ns > 0 ? ev->dur_ns : 0);
	if (ev->type == TRACE_CALL) {
		jstr_user(sb, ev->call.p, ev->call.n);
		sb_printf(sb, ",%" PRId64 ",", ev->ret);
		if (ev->failed)
			jstr_user(sb, ev->err.p, ev->err.n);
		else
			sb_putc(sb, '0');
		char name[32] = "";
		size_t n = ev->err.n < sizeof(name) - 1 ? ev->err.n : sizeof(name) - 1;
		if (ev->failed)
			memcpy(name, ev->err.p, n);
		name[ev->failed ? n : 0] = '\0';
		sb_printf(sb, ",\"%s\",",
			  ev->failed ? (tables_errno_soft(name) ? "soft" : "fail")
				     : class_names[ev->ci->cls]);
		struct sbuf args = {0};
		trace_format_args(ev, &args, true);
		if (ev->bt_json.p) {
			sb_puts(&args, "\nbacktrace:\n");
			trace_format_bt(ev, &args, "  ", true);
		}
		jstr(sb, args.p ? args.p : "", args.n);
		sb_free(&args);
	} else {
		const char *what = ev->type == TRACE_EXIT				? "exit"
				   : ev->fork_of >= 0					? "fork"
				   : hit->proc->execs && hit->proc->t_exec == ev->ts_ns ? "exec"
											: "start";
		sb_printf(sb, "\"%s\",%" PRId64 ",0,\"proc\",", what,
			  ev->type == TRACE_EXIT ? ev->status : 0);
		struct sbuf args = {0};
		if (ev->type == TRACE_PROC) {
			for (size_t i = 0; i < ev->argc; i++) {
				if (i)
					sb_putc(&args, ' ');
				sb_put_tty(&args, ev->argv[i].p, ev->argv[i].n);
			}
		}
		jstr(sb, args.p ? args.p : "", args.n);
		sb_free(&args);
	}
	sb_putc(sb, ']');
	fwrite(sb->p, 1, sb->n, html.out);
}

extern const char render_html_app[];

bool render_html_end(struct lane_table *t)
{
	const struct view_opts *o = html.o;
	FILE *out = html.out;
	struct sbuf *sb = &html.sb, label = {0};
	fputs("];\n/* [id, pid, fd, proc, start, end, conn, label, totals] */\nconst LANES=[", out);
	for (size_t i = 0; i < html.n; i++) {
		struct lane *l = html.v[i];
		sb_reset(sb);
		sb_printf(sb,
			  "%s\n[%" PRIu32 ",%" PRId64 ",%" PRId64 ",%" PRIu32 ",%" PRId64
			  ",%" PRId64 ",%" PRIu32 ",",
			  i ? "," : "", l->id, l->pid, l->fd, l->proc->id, ns_sub(l->t_start, o->t0),
			  ns_sub(l->t_end, o->t0), lane_conn(l));
		sb_reset(&label);
		lane_label(l, &label);
		jstr(sb, label.p ? label.p : "", label.n);
		sb_putc(sb, ',');
		sb_reset(&label);
		lane_totals(l, &label);
		jstr(sb, label.p ? label.p : "", label.n);
		sb_putc(sb, ']');
		fwrite(sb->p, 1, sb->n, out);
	}
	fputs("];\n/* [id, pid, parent, start, end, label] */\nconst PROCS=[", out);
	bool first = true;
	/* Processes with a lane on the page, and the first --max-lanes of the others. */
	for (size_t i = 0; i < html.n; i++)
		html.v[i]->proc->user = (void *)&marker;
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		bool mine = p->user == &marker;
		p->user = NULL;
		if (!view_pid_ok(o, p->pid) || (!mine && p->id > html.o->max_lanes))
			continue;
		sb_reset(sb);
		sb_printf(sb, "%s\n[%" PRIu32 ",%" PRId64 ",%" PRIu32 ",%" PRId64 ",%" PRId64 ",",
			  first ? "" : ",", p->id, p->pid, p->parent ? p->parent->id : 0,
			  ns_sub(p->t_start, o->t0), ns_sub(p->t_end, o->t0));
		first = false;
		sb_reset(&label);
		sb_printf(&label, "pid %" PRId64, p->pid);
		if (p->fork_of >= 0)
			sb_printf(&label, " (fork of %" PRId64 ")", p->fork_of);
		sb_putc(&label, ' ');
		lane_proc_label(p, &label);
		if (p->exited)
			sb_printf(&label, ", exit %" PRId64, p->status);
		jstr(sb, label.p, label.n);
		sb_putc(sb, ']');
		fwrite(sb->p, 1, sb->n, out);
	}
	sb_reset(sb);
	sb_printf(sb, "];\nconst SUMMARY=");
	sb_reset(&label);
	sb_printf(&label, "%" PRIu32 " processes, %" PRIu32 " lanes", t->nprocs, t->nlanes);
	if (html.n != t->nlanes)
		sb_printf(&label, " (%zu drawn, %" PRIu64 " more beyond --max-lanes)", html.n,
			  html.not_drawn);
	sb_printf(&label,
		  ", %" PRIu64 " calls (%" PRIu64 " failed), %" PRIu32 " connections paired, ",
		  t->calls, t->errors, t->nconns);
	fmt_dur(&label, ns_sub(o->t1, o->t0));
	jstr(sb, label.p, label.n);
	sb_printf(sb, ";\nconst WINDOW=[%" PRId64 ",%" PRId64 "];\n</script>\n", ns_sub(o->w0, o->t0),
		  ns_sub(o->w1, o->t0));
	fwrite(sb->p, 1, sb->n, out);
	fputs(render_html_app, out);
	for (size_t i = 0; i < html.n; i++) {
		html.v[i]->user = NULL;
		lane_release(t, html.v[i]);
	}
	sb_free(&label);
	sb_free(&html.sb);
	sb_free(&html.tmp);
	free(html.v);
	html.v = NULL;
	return !ferror(out);
}

size_t render_html_drawn(void)
{
	return html.n;
}
