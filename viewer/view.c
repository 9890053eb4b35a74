/* view: `socklens view` — options, the two passes over the input, and which renderer draws. */
#include "view.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "stream.h"

static const char view_usage[] =
    "usage: socklens view [OPTIONS] FILE...\n"
    "\n"
    "Draws one lane per descriptor lifetime on a shared time axis, grouped by process;\n"
    "both ends of a connection are drawn together. Several files are merged by time.\n"
    "\n"
    "  --html OUT.html      write a self-contained HTML page instead\n"
    "  --lane N|PID:FD      detail mode: every call of that lane, like strace (repeatable)\n"
    "  --pid PID[,PID...]   only these processes\n"
    "  --fd [PID:]FD[,...]  only these descriptors\n"
    "  --call NAME[,...]    only these calls (lanes without any are hidden)\n"
    "  --from TIME          start of the window, from the trace start (1.5s, 200ms, 30us)\n"
    "  --to TIME            end of the window, from the trace start\n"
    "  --width N            columns to fit (default: the terminal's, or 100)\n"
    "  --max-lanes N        draw at most N lanes (default 500, 0 for all)\n"
    "  --color WHEN         auto (default: on a terminal unless NO_COLOR is set), always, never\n"
    "  -h, --help           this help\n"
    "\n"
    "Glyphs: s socket  b bind  l listen  c connect  a accept  > send  < recv  = both\n"
    "        h shutdown  | close  d dup  o other  ! failed  ? EAGAIN/EINPROGRESS\n";

static bool list_has(const char *const *v, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i]) == len && memcmp(v[i], s, len) == 0)
			return true;
	return false;
}

bool view_pid_ok(const struct view_opts *o, int64_t pid)
{
	if (!o->npids)
		return true;
	for (size_t i = 0; i < o->npids; i++)
		if (o->pids[i] == pid)
			return true;
	return false;
}

static bool fd_match(const struct view_fd *v, size_t n, const struct lane *l)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].fd == l->fd && (v[i].pid < 0 || v[i].pid == l->pid))
			return true;
	return false;
}

bool view_lane_wanted(const struct view_opts *o, const struct lane *l)
{
	if (!view_pid_ok(o, l->pid) || (o->nfds && !fd_match(o->fds, o->nfds, l)))
		return false;
	return l->t_start <= o->w1;
}

bool view_lane_ok(const struct view_opts *o, const struct lane *l)
{
	return view_lane_wanted(o, l) && l->t_end >= o->w0;
}

bool view_call_ok(const struct view_opts *o, const struct trace_event *ev)
{
	if (ev->ts_ns < o->w0 || ev->ts_ns > o->w1)
		return false;
	if (!o->ncalls || ev->type != TRACE_CALL)
		return true;
	return list_has((const char *const *)o->calls, o->ncalls, ev->call.p, ev->call.n);
}

bool view_detail_lane(const struct view_opts *o, const struct lane *l)
{
	for (size_t i = 0; i < o->nlane_ids; i++)
		if (o->lane_ids[i] == l->id)
			return true;
	return fd_match(o->lanes, o->nlanes, l);
}

/* "PID:FD" or "FD" into v; false if malformed. */
static bool parse_fd(const char *s, struct view_fd *v)
{
	char *end;
	errno = 0;
	long long a = strtoll(s, &end, 10);
	if (end == s || errno)
		return false;
	if (*end == ':') {
		const char *b = end + 1;
		long long fd = strtoll(b, &end, 10);
		if (end == b || *end || errno || fd < 0)
			return false;
		v->pid = a;
		v->fd = fd;
		return true;
	}
	if (*end || a < 0)
		return false;
	v->pid = -1;
	v->fd = a;
	return true;
}

/* Appends each comma-separated item; false on the first that does not parse. */
static bool split(const char *arg, void (*add)(struct view_opts *, const char *, bool *),
		  struct view_opts *o)
{
	char *copy = strdup(arg), *save = NULL;
	bool ok = copy != NULL;
	for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && ok;
	     tok = strtok_r(NULL, ",", &save))
		add(o, tok, &ok);
	free(copy);
	return ok;
}

/* One more element: the lists of --pid, --fd… options are short. */
static void *grow(void *v, size_t n, size_t size)
{
	return xrealloc(v, n + 1, size);
}

static void add_pid(struct view_opts *o, const char *s, bool *ok)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || v < 0) {
		*ok = false;
		return;
	}
	o->pids = grow(o->pids, o->npids, sizeof(*o->pids));
	o->pids[o->npids++] = v;
}

static void add_fd(struct view_opts *o, const char *s, bool *ok)
{
	struct view_fd v;
	if (!parse_fd(s, &v)) {
		*ok = false;
		return;
	}
	o->fds = grow(o->fds, o->nfds, sizeof(*o->fds));
	o->fds[o->nfds++] = v;
}

static void add_call(struct view_opts *o, const char *s, bool *ok)
{
	o->calls = grow(o->calls, o->ncalls, sizeof(*o->calls));
	o->calls[o->ncalls++] = strdup(s);
	(void)ok;
}

static bool add_lane(struct view_opts *o, const char *s)
{
	if (s[0] == '#')
		s++;
	if (!strchr(s, ':')) {
		char *end;
		unsigned long id = strtoul(s, &end, 10);
		if (end == s || *end || id == 0 || id > UINT32_MAX)
			return false;
		o->lane_ids = grow(o->lane_ids, o->nlane_ids, sizeof(*o->lane_ids));
		o->lane_ids[o->nlane_ids++] = (uint32_t)id;
		return true;
	}
	struct view_fd v;
	if (!parse_fd(s, &v))
		return false;
	o->lanes = grow(o->lanes, o->nlanes, sizeof(*o->lanes));
	o->lanes[o->nlanes++] = v;
	return true;
}

static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	int n = c ? atoi(c) : 0;
	return n > 0 ? n : 100;
}

static void free_opts(struct view_opts *o)
{
	for (size_t i = 0; i < o->ncalls; i++)
		free(o->calls[i]);
	free(o->calls);
	free(o->pids);
	free(o->fds);
	free(o->lanes);
	free(o->lane_ids);
}

int cmd_view(int argc, char **argv)
{
	enum {
		O_HTML = 256,
		O_LANE,
		O_PID,
		O_FD,
		O_CALL,
		O_FROM,
		O_TO,
		O_WIDTH,
		O_COLOR,
		O_PARSER,
		O_MAX
	};
	static const struct option opts[] = {
	    {"html", required_argument, NULL, O_HTML},
	    {"lane", required_argument, NULL, O_LANE},
	    {"pid", required_argument, NULL, O_PID},
	    {"fd", required_argument, NULL, O_FD},
	    {"call", required_argument, NULL, O_CALL},
	    {"from", required_argument, NULL, O_FROM},
	    {"to", required_argument, NULL, O_TO},
	    {"width", required_argument, NULL, O_WIDTH},
	    {"max-lanes", required_argument, NULL, O_MAX},
	    {"color", required_argument, NULL, O_COLOR},
	    {"colour", required_argument, NULL, O_COLOR},
	    {"parser", required_argument, NULL, O_PARSER},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct view_opts o = {.to_ns = -1, .max_lanes = 500};
	const char *html = NULL, *color = "auto";
	int rc = EXIT_USAGE;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_HTML:
			html = optarg;
			break;
		case O_LANE:
			if (!add_lane(&o, optarg)) {
				usage_error("view", "--lane wants a lane number or PID:FD");
				goto out;
			}
			break;
		case O_PID:
			if (!split(optarg, add_pid, &o)) {
				usage_error("view", "--pid wants process ids, comma-separated");
				goto out;
			}
			break;
		case O_FD:
			if (!split(optarg, add_fd, &o)) {
				usage_error("view", "--fd wants FD or PID:FD, comma-separated");
				goto out;
			}
			break;
		case O_CALL:
			split(optarg, add_call, &o);
			break;
		case O_FROM:
		case O_TO: {
			int64_t ns = fmt_parse_time(optarg);
			if (ns < 0) {
				usage_error("view", "--%s wants a time such as 1.5s, 200ms or 30us",
					    c == O_FROM ? "from" : "to");
				goto out;
			}
			*(c == O_FROM ? &o.from_ns : &o.to_ns) = ns;
			break;
		}
		case O_WIDTH: {
			char *end;
			long w = strtol(optarg, &end, 10);
			if (*end || w < 40 || w > 10000) {
				usage_error("view",
					    "--width wants a number of columns, at least 40");
				goto out;
			}
			o.width = (int)w;
			break;
		}
		case O_MAX: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 0) {
				usage_error("view", "--max-lanes wants a number (0 for all)");
				goto out;
			}
			o.max_lanes = n ? (size_t)n : SIZE_MAX;
			break;
		}
		case O_COLOR:
			color = optarg;
			break;
		case O_PARSER:
			if (parse_parser_option("view", optarg))
				goto out;
			break;
		case 'h':
			fputs(view_usage, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			usage_error("view", "unknown option");
			goto out;
		}
	}
	if (optind >= argc) {
		usage_error("view", "no trace file given");
		goto out;
	}
	if (strcmp(color, "always") == 0) {
		o.color = true;
	} else if (strcmp(color, "never") == 0) {
		o.color = false;
	} else if (strcmp(color, "auto") == 0) {
		const char *nc = getenv("NO_COLOR");
		o.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	} else {
		usage_error("view", "--color wants auto, always or never");
		goto out;
	}
	if (!o.width)
		o.width = terminal_width();
	if (o.width < 40)
		o.width = 40;

	struct stream s;
	if (!stream_open(&s, argv + optind, (size_t)(argc - optind), true)) {
		stream_close(&s);
		goto out;
	}
	const struct trace_event *ev;
	/* First pass: the time span (and the bad lines, reported once). Only the detail listing
	 * and the HTML page show arguments: the timeline does without their JSON text, as the
	 * first pass does. Set while no reading thread runs. */
	trace_keep_json = false;
	o.t0 = INT64_MAX;
	o.t1 = INT64_MIN;
	while ((ev = stream_next(&s))) {
		int64_t end = trace_end_ns(ev);
		if (ev->ts_ns < o.t0)
			o.t0 = ev->ts_ns;
		if (end > o.t1)
			o.t1 = end;
	}
	o.events = s.events;
	rc = stream_finish(&s);
	if (!o.events)
		o.t0 = o.t1 = 0;
	o.w0 = ns_add(o.t0, o.from_ns);
	o.w1 = o.to_ns >= 0 ? ns_add(o.t0, o.to_ns) : o.t1;
	if (o.w1 < o.w0)
		o.w1 = o.w0;

	FILE *hf = NULL;
	bool detail = o.nlanes || o.nlane_ids;
	trace_keep_json = html || detail;
	struct lane_ops ops = {0};
	if (html) {
		hf = fopen(html, "w");
		if (!hf) {
			fprintf(stderr, "socklens view: %s: %s\n", html, strerror(errno));
			rc = EXIT_USAGE;
			goto close;
		}
		render_html_begin(&o, &ops, hf);
	} else if (detail) {
		render_tty_detail_begin(&o, &ops, stdout);
	} else {
		render_tty_begin(&o, &ops);
	}
	/* Second pass: lanes, placed on the now known time axis as they go. */
	if (!stream_rewind(&s)) {
		fprintf(stderr, "socklens view: cannot read the input a second time\n");
		rc = EXIT_USAGE;
	}
	struct lane_table t;
	lane_table_init(&t, &ops);
	struct lane_hit hit;
	while ((ev = stream_next(&s))) {
		lane_feed(&t, ev, &hit);
		if (html)
			render_html_event(ev, &hit);
		else if (detail)
			render_tty_detail_event(ev, &hit);
		else
			render_tty_event(ev, &hit);
	}
	lane_finish(&t);
	if (html) {
		if (!render_html_end(&t) || fclose(hf) != 0) {
			fprintf(stderr, "socklens view: %s: write error\n", html);
			rc = EXIT_USAGE;
		} else {
			fprintf(stderr, "socklens: wrote %s (%zu of %" PRIu32 " lanes drawn)\n",
				html, render_html_drawn(), t.nlanes);
		}
	} else if (detail) {
		render_tty_detail_end(&t);
	} else {
		render_tty_end(&t, stdout);
	}
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
	lane_table_free(&t);
close:
	stream_close(&s);
out:
	free_opts(&o);
	return rc;
}
