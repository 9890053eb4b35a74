/*
 * export_chrome: `socklens export --format chrome` — the trace-event JSON that chrome://tracing
 * and Perfetto open. One track (tid) per lane, each call a complete ("X") event; track names
 * are written last, once the lanes know what they are. Streams: nothing is kept per event.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lane.h"
#include "stream.h"

static const char export_usage[] =
    "usage: socklens export --format chrome [-o FILE] FILE...\n"
    "\n"
    "Writes the Chrome trace-event format (JSON) for chrome://tracing or ui.perfetto.dev:\n"
    "one process per pid, one track per descriptor lane, each call a complete event.\n"
    "\n"
    "  --format chrome   the output format (the only one so far)\n"
    "  -o, --output FILE write there instead of standard output\n"
    "  -h, --help        this help\n";

/* Nanoseconds as exact decimal microseconds. */
static void put_us(struct sbuf *sb, int64_t ns)
{
	if (ns < 0) {
		sb_putc(sb, '-');
		ns = -ns;
	}
	sb_put_i64(sb, ns / 1000);
	char frac[4] = {'.', (char)('0' + ns % 1000 / 100), (char)('0' + ns % 100 / 10),
			(char)('0' + ns % 10)};
	sb_put(sb, frac, 4);
}

static void put_jstr(struct sbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	sb_put_json(sb, s, n);
	sb_putc(sb, '"');
}

static void emit_call(struct sbuf *sb, const struct trace_event *ev, const struct lane_hit *hit)
{
	sb_puts(sb, "{\"name\":");
	put_jstr(sb, ev->call.p, ev->call.n);
	sb_puts(sb, ",\"cat\":\"call\",\"ph\":\"X\",\"ts\":");
	put_us(sb, ev->ts_ns);
	sb_puts(sb, ",\"dur\":");
	put_us(sb, ev->dur_ns > 0 ? ev->dur_ns : 0);
	sb_puts(sb, ",\"pid\":");
	sb_put_i64(sb, ev->pid);
	sb_puts(sb, ",\"tid\":");
	sb_put_i64(sb, hit->lane ? hit->lane->id : 0);
	if (ev->failed)
		sb_puts(sb, ",\"cname\":\"terrible\"");
	sb_puts(sb, ",\"args\":{\"fd\":");
	sb_put_i64(sb, ev->fd);
	sb_puts(sb, ",\"ret\":");
	sb_put_i64(sb, ev->ret);
	if (ev->failed) {
		sb_puts(sb, ",\"errno\":");
		put_jstr(sb, ev->err.p, ev->err.n);
	}
	if (ev->args_json.p) {
		/* Already JSON: checked by the reader, so it can be copied as it is. */
		sb_puts(sb, ",\"args\":");
		sb_put(sb, ev->args_json.p, ev->args_json.n);
	}
	sb_puts(sb, "}}");
}

static void emit_instant(struct sbuf *sb, const struct trace_event *ev, const char *name)
{
	sb_puts(sb, "{\"name\":");
	put_jstr(sb, name, strlen(name));
	sb_puts(sb, ",\"cat\":\"process\",\"ph\":\"i\",\"s\":\"p\",\"ts\":");
	put_us(sb, ev->ts_ns);
	sb_printf(sb, ",\"pid\":%" PRId64 ",\"tid\":0", ev->pid);
	if (ev->type == TRACE_EXIT)
		sb_printf(sb, ",\"args\":{\"status\":%" PRId64 "}", ev->status);
	sb_putc(sb, '}');
}

struct out {
	FILE *f;
	bool first;
	struct sbuf sb, label;
};

static void sep(struct out *o)
{
	fputs(o->first ? "\n" : ",\n", o->f);
	o->first = false;
}

/* A lane's track name, written when the lane ends: by then its label is complete. */
static void lane_closed(struct lane_table *t, struct lane *l)
{
	struct out *o = t->ops.ctx;
	struct sbuf *sb = &o->sb, *label = &o->label;
	sb_reset(sb);
	sb_reset(label);
	sb_printf(label, "fd %" PRId64 " ", l->fd);
	lane_label(l, label);
	sb_printf(sb,
		  "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%" PRId64 ",\"tid\":%" PRIu32
		  ",\"args\":{\"name\":",
		  l->pid, l->id);
	put_jstr(sb, label->p, label->n);
	sb_printf(sb,
		  "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%" PRId64
		  ",\"tid\":%" PRIu32 ",\"args\":{\"sort_index\":%" PRIu32 "}}",
		  l->pid, l->id, l->id);
	sep(o);
	fwrite(sb->p, 1, sb->n, o->f);
}

static void emit_procs(struct out *o, const struct lane_table *t)
{
	struct sbuf *sb = &o->sb, *label = &o->label;
	for (const struct lane_proc *p = t->procs; p; p = p->next) {
		sb_reset(sb);
		sb_reset(label);
		sb_printf(label, "pid %" PRId64 " ", p->pid);
		lane_proc_label(p, label);
		sb_printf(sb,
			  "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%" PRId64
			  ",\"args\":{\"name\":",
			  p->pid);
		put_jstr(sb, label->p, label->n);
		sb_printf(sb,
			  "}},\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%" PRId64
			  ",\"tid\":0,\"args\":{\"name\":\"process events\"}}",
			  p->pid);
		sep(o);
		fwrite(sb->p, 1, sb->n, o->f);
	}
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"parser", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = NULL, *out = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'P':
			if (parse_parser_option("export", optarg))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return EXIT_OK;
		default:
			return usage_error("export", "unknown option");
		}
	}
	if (!format)
		return usage_error("export", "--format is required (chrome)");
	if (strcmp(format, "chrome") != 0)
		return usage_error("export", "unknown format (known: chrome)");
	if (optind >= argc)
		return usage_error("export", "no trace file given");

	struct stream s;
	if (!stream_open(&s, argv + optind, (size_t)(argc - optind), false)) {
		stream_close(&s);
		return EXIT_USAGE;
	}
	FILE *f = stdout;
	if (out && !(f = fopen(out, "w"))) {
		fprintf(stderr, "socklens export: %s: %s\n", out, strerror(errno));
		stream_close(&s);
		return EXIT_USAGE;
	}
	struct out o = {.f = f, .first = true};
	struct lane_table t;
	struct lane_ops ops = {.closed = lane_closed, .ctx = &o};
	lane_table_init(&t, &ops);
	const struct trace_event *ev;
	struct lane_hit hit;
	struct sbuf sb = {0};
	fputs("{\"traceEvents\":[", f);
	while ((ev = stream_next(&s))) {
		lane_feed(&t, ev, &hit);
		sb_reset(&sb);
		if (ev->type == TRACE_CALL)
			emit_call(&sb, ev, &hit);
		else
			emit_instant(&sb, ev,
				     ev->type == TRACE_EXIT ? "exit"
				     : ev->fork_of >= 0	    ? "fork"
				     : hit.proc && hit.proc->execs && hit.proc->t_exec == ev->ts_ns
					 ? "exec"
					 : "start");
		sep(&o);
		fwrite(sb.p, 1, sb.n, f);
	}
	lane_finish(&t);
	emit_procs(&o, &t);
	fputs("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":"
	      "\"socklens " SOCKLENS_VERSION "\"}}\n",
	      f);
	int rc = stream_finish(&s);
	if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0)) {
		fprintf(stderr, "socklens export: write error: %s\n", strerror(errno));
		rc = EXIT_USAGE;
	}
	sb_free(&sb);
	sb_free(&o.sb);
	sb_free(&o.label);
	lane_table_free(&t);
	stream_close(&s);
	return rc;
}
