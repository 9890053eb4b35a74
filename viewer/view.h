/* view: what `socklens view` shows (filters, window, width), shared by its renderers. */
#ifndef SOCKLENS_VIEW_H
#define SOCKLENS_VIEW_H

#include "lane.h"

struct view_fd {
	int64_t pid; /* -1: any process */
	int64_t fd;
};

struct view_opts {
	int64_t *pids;
	size_t npids;
	struct view_fd *fds;
	size_t nfds;
	char **calls;
	size_t ncalls;
	int64_t from_ns, to_ns; /* relative to the trace start; to_ns -1 for the end */
	struct view_fd *lanes;	/* detail mode: by pid:fd ... */
	size_t nlanes;
	uint32_t *lane_ids; /* ... or by lane number */
	size_t nlane_ids;
	int width;
	bool color;
	size_t max_lanes; /* lanes drawn at most (tty and HTML) */

	/* filled in by the first pass */
	uint64_t events;
	int64_t t0, t1; /* start and end of the trace */
	int64_t w0, w1; /* the window shown, absolute */
};

bool view_pid_ok(const struct view_opts *o, int64_t pid);
/* The filters a lane can be judged by when it is created: pid, fd, the window's end. */
bool view_lane_wanted(const struct view_opts *o, const struct lane *l);
/* ...and when it has ended: the window's start. */
bool view_lane_ok(const struct view_opts *o, const struct lane *l);
bool view_call_ok(const struct view_opts *o, const struct trace_event *ev);
bool view_detail_lane(const struct view_opts *o, const struct lane *l);

/* The terminal timelines. */
void render_tty_begin(const struct view_opts *o, struct lane_ops *ops);
void render_tty_event(const struct trace_event *ev, const struct lane_hit *hit);
void render_tty_end(struct lane_table *t, FILE *out);

/* The detail listing of one or more lanes, like a friendlier strace. */
void render_tty_detail_begin(const struct view_opts *o, struct lane_ops *ops, FILE *out);
void render_tty_detail_event(const struct trace_event *ev, const struct lane_hit *hit);
void render_tty_detail_end(struct lane_table *t);

/* The self-contained HTML page. */
void render_html_begin(const struct view_opts *o, struct lane_ops *ops, FILE *out);
void render_html_event(const struct trace_event *ev, const struct lane_hit *hit);
bool render_html_end(struct lane_table *t);
size_t render_html_drawn(void);

#endif
