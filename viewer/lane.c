/*
 * lane: the third stage — events into descriptor lifetimes ("lanes") and the processes owning
 * them. A lane is one (pid, fd) from creation to close; reusing the number starts a new lane.
 * Memory grows with lanes and processes, never with events.
 */
#include "lane.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("socklens: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(n + 1, 1);
	memcpy(p, s, n);
	return p;
}

static size_t hash2(int64_t a, int64_t b, size_t n)
{
	uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15u ^ (uint64_t)b * 0xC2B2AE3D27D4EB4Fu;
	return (size_t)(h ^ (h >> 29)) & (n - 1);
}

void lane_table_init(struct lane_table *t)
{
	memset(t, 0, sizeof(*t));
	t->lhash_n = 1024;
	t->lhash = xcalloc(t->lhash_n, sizeof(*t->lhash));
	t->phash_n = 256;
	t->phash = xcalloc(t->phash_n, sizeof(*t->phash));
	t->t_min = INT64_MAX;
	t->t_max = INT64_MIN;
}

/* ---- processes ---- */

static struct lane_proc *proc_find(struct lane_table *t, int64_t pid)
{
	for (struct lane_proc *p = t->phash[hash2(pid, 0, t->phash_n)]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_unhash(struct lane_table *t, struct lane_proc *old)
{
	struct lane_proc **pp = &t->phash[hash2(old->pid, 0, t->phash_n)];
	while (*pp && *pp != old)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = old->hnext;
	old->hnext = NULL;
}

static void proc_rehash(struct lane_table *t)
{
	size_t n = t->phash_n * 2;
	struct lane_proc **h = xcalloc(n, sizeof(*h));
	for (size_t i = 0; i < t->phash_n; i++) {
		for (struct lane_proc *p = t->phash[i], *next; p; p = next) {
			next = p->hnext;
			size_t b = hash2(p->pid, 0, n);
			p->hnext = h[b];
			h[b] = p;
		}
	}
	free(t->phash);
	t->phash = h;
	t->phash_n = n;
}

static struct lane_proc *proc_new(struct lane_table *t, int64_t pid, int64_t ts)
{
	struct lane_proc *p;
	/* In replay the same processes come back in the same order; bounds-checked all the same. */
	if (t->replay && t->nprocs_pass < t->nprocs) {
		p = t->proc_by_id[t->nprocs_pass++];
		p->hnext = NULL;
	} else {
		t->diverged |= t->replay;
		p = xcalloc(1, sizeof(*p));
		p->id = (uint32_t)++t->nprocs;
		p->pid = pid;
		p->ppid = p->fork_of = -1;
		p->t_start = p->t_end = ts;
		p->seq_max = -1;
		if (t->procs_tail)
			t->procs_tail->next = p;
		else
			t->procs = p;
		t->procs_tail = p;
		if (t->nprocs > t->phash_n)
			proc_rehash(t);
	}
	size_t b = hash2(pid, 0, t->phash_n);
	p->hnext = t->phash[b];
	t->phash[b] = p;
	return p;
}

static struct lane_proc *proc_get(struct lane_table *t, int64_t pid, int64_t ts)
{
	struct lane_proc *p = proc_find(t, pid);
	return p ? p : proc_new(t, pid, ts);
}

/* Lines lost in one process image: the sequence numbers that never arrived. */
static void proc_close_image(struct lane_proc *p)
{
	if (p->seq_max >= 0 && (uint64_t)p->seq_max + 1 > p->seq_count)
		p->lost += (uint64_t)p->seq_max + 1 - p->seq_count;
	p->seq_max = -1;
	p->seq_count = 0;
}

/* ---- lanes ---- */

static struct lane **lane_slot(struct lane_table *t, int64_t pid, int64_t fd)
{
	struct lane **pp = &t->lhash[hash2(pid, fd, t->lhash_n)];
	while (*pp && !((*pp)->pid == pid && (*pp)->fd == fd))
		pp = &(*pp)->hnext;
	return pp;
}

/* The newest lane of (pid, fd), open or not. */
static struct lane *lane_latest(struct lane_table *t, int64_t pid, int64_t fd)
{
	return *lane_slot(t, pid, fd);
}

static struct lane *lane_open(struct lane_table *t, int64_t pid, int64_t fd)
{
	struct lane *l = lane_latest(t, pid, fd);
	return l && !l->closed ? l : NULL;
}

static void lane_rehash(struct lane_table *t)
{
	size_t n = t->lhash_n * 2;
	struct lane **h = xcalloc(n, sizeof(*h));
	for (size_t i = 0; i < t->lhash_n; i++) {
		for (struct lane *l = t->lhash[i], *next; l; l = next) {
			next = l->hnext;
			size_t b = hash2(l->pid, l->fd, n);
			l->hnext = h[b];
			h[b] = l;
		}
	}
	free(t->lhash);
	t->lhash = h;
	t->lhash_n = n;
}

static void lane_end(struct lane_table *t, struct lane *l, int64_t ts)
{
	l->closed = true;
	if (!t->replay && ts > l->t_end)
		l->t_end = ts;
}

static struct lane *lane_new(struct lane_table *t, struct lane_proc *p, int64_t fd, int64_t ts,
			     enum lane_origin origin)
{
	struct lane **slot = lane_slot(t, p->pid, fd);
	struct lane *old = *slot;
	/* A creation on a number still open means we missed its close (close_range, exec). */
	if (old && !old->closed)
		lane_end(t, old, ts);
	struct lane *l;
	if (t->replay && t->nlanes_pass < t->nlanes) {
		l = t->by_id[t->nlanes_pass++];
		l->closed = l->exited = false;
	} else {
		t->diverged |= t->replay;
		l = xcalloc(1, sizeof(*l));
		l->id = (uint32_t)++t->nlanes;
		l->pid = p->pid;
		l->fd = fd;
		l->t_start = l->t_end = ts;
		l->origin = origin;
		l->origin_fd = -1;
		l->proc = p;
		if (t->lanes_tail)
			t->lanes_tail->next = l;
		else
			t->lanes = l;
		t->lanes_tail = l;
		if (p->lanes_tail)
			p->lanes_tail->proc_next = l;
		else
			p->lanes = l;
		p->lanes_tail = l;
	}
	l->prev_fd = old;
	if (old) {
		l->hnext = old->hnext;
		*slot = l;
	} else {
		l->hnext = NULL;
		*slot = l;
		if (++t->nkeys > t->lhash_n)
			lane_rehash(t);
	}
	return l;
}

/* The parent's lane this forked child got fd from: the newest one created before the fork. */
static struct lane *fork_source(struct lane_table *t, struct lane_proc *p, int64_t fd)
{
	if (!p->parent)
		return NULL;
	for (struct lane *l = lane_latest(t, p->parent->pid, fd); l; l = l->prev_fd)
		if (l->t_start <= p->t_start)
			return l;
	return NULL;
}

/* Address text: IPv4-mapped IPv6 is written as IPv4 so both ends of a dual-stack pair match. */
static char *addr_text(const struct trace_addr *a)
{
	if (a->kind == ADDR_NONE)
		return NULL;
	struct sbuf sb = { 0 };
	if (a->kind == ADDR_INET6 && a->host.n > 7 && memcmp(a->host.p, "::ffff:", 7) == 0 &&
	    memchr(a->host.p, '.', a->host.n)) {
		struct trace_addr v4 = *a;
		v4.kind = ADDR_INET;
		v4.host.p += 7;
		v4.host.n -= 7;
		trace_format_addr(&v4, &sb);
	} else {
		trace_format_addr(a, &sb);
	}
	sb_str(&sb);
	return sb.p;
}

static void set_text(char **dst, const struct trace_addr *a)
{
	char *s = addr_text(a);
	if (!s)
		return;
	free(*dst);
	*dst = s;
}

static struct lane *root_of(struct lane *l)
{
	while (l->src)
		l = l->src;
	return l;
}

/*
 * A listener bound to port 0 got its port from the kernel; the first accepted connection's
 * local address tells which, so the label can say "*:41234" rather than "*:0".
 */
static void learn_port(struct lane *listener, const char *accepted_local)
{
	char *l = listener->local;
	size_t n = l ? strlen(l) : 0;
	const char *port = accepted_local ? strrchr(accepted_local, ':') : NULL;
	if (n < 2 || strcmp(l + n - 2, ":0") != 0 || !port)
		return;
	struct sbuf sb = { 0 };
	sb_put(&sb, l, n - 2);
	sb_puts(&sb, port);
	sb_str(&sb);
	free(l);
	listener->local = sb.p;
}

static bool errno_is(const struct trace_event *ev, const char *name)
{
	return ev->failed && trace_str_eq(ev->err, name);
}

/* Annotations from the call's arguments: what the socket is, where it goes, what moved. */
static void annotate(struct lane *l, const struct trace_event *ev)
{
	switch (ev->ci->kind) {
	case CK_BIND:
		if (!ev->failed) {
			set_text(&l->local, &ev->addr);
			if (l->role == LR_NONE)
				l->role = LR_BOUND;
		}
		break;
	case CK_CONNECT:
		set_text(&l->remote, &ev->addr);
		if (!ev->failed || errno_is(ev, "EINPROGRESS")) {
			set_text(&l->local, &ev->local);
			l->role = LR_CLIENT;
			l->t_conn = ev->ts_ns;
		}
		break;
	case CK_LISTEN:
		if (!ev->failed)
			l->role = LR_LISTENER;
		break;
	case CK_SEND:
	case CK_RECV:
		if (!ev->failed && ev->ret > 0) {
			if (ev->ci->dir > 0)
				l->bytes_out += (uint64_t)ev->ret;
			else
				l->bytes_in += (uint64_t)ev->ret;
		}
		/* Datagram peers: name the first, count the others. */
		if (ev->addr.kind != ADDR_NONE && l->role != LR_CLIENT && l->role != LR_ACCEPTED) {
			char *s = addr_text(&ev->addr);
			if (!l->remote) {
				l->remote = s;
				l->remotes = 1;
			} else {
				if (strcmp(s, l->remote) != 0 && l->remotes < UINT32_MAX)
					l->remotes++;
				free(s);
			}
		}
		break;
	default:
		break;
	}
}

static void lane_count(struct lane *l, const struct trace_event *ev)
{
	l->calls++;
	if (ev->failed)
		l->errors++;
	int64_t end = ev->ts_ns + (ev->dur_ns > 0 ? ev->dur_ns : 0);
	if (end > l->t_end)
		l->t_end = end;
}

static void feed_proc(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	struct lane_proc *p = proc_find(t, ev->pid);
	/* A pid seen again as a fresh fork is a new process (the number was reused). */
	if (p && p->seen_proc && ev->fork_of >= 0) {
		proc_unhash(t, p);
		p = NULL;
	}
	if (!p)
		p = proc_new(t, ev->pid, ev->ts_ns);
	hit->proc = p;
	bool was_seen = p->seen_proc;
	p->seen_proc = true;
	/* A new image in the same process: exec. Close-on-exec sockets end here, in both passes. */
	if (was_seen)
		for (struct lane *l = p->lanes; l; l = l->proc_next)
			if (!l->closed && l->cloexec)
				lane_end(t, l, ev->ts_ns);
	if (t->replay)
		return;
	if (was_seen) {
		p->execs++;
		p->t_exec = ev->ts_ns;
		proc_close_image(p);
	} else {
		p->t_start = ev->ts_ns;
	}
	p->ppid = ev->ppid;
	if (ev->fork_of >= 0) {
		p->fork_of = ev->fork_of;
		p->parent = proc_find(t, ev->fork_of);
	}
	if (ev->exe.p) {
		free(p->exe);
		p->exe = xstrndup(ev->exe.p, ev->exe.n);
	}
	if (ev->argc) {
		struct sbuf sb = { 0 };
		for (size_t i = 0; i < ev->argc; i++) {
			if (i)
				sb_putc(&sb, ' ');
			sb_put(&sb, ev->argv[i].p, ev->argv[i].n);
		}
		free(p->cmdline);
		sb_str(&sb);
		p->cmdline = sb.p;
	}
}

static void feed_exit(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	struct lane_proc *p = proc_get(t, ev->pid, ev->ts_ns);
	hit->proc = p;
	for (struct lane *l = p->lanes; l; l = l->proc_next) {
		if (!l->closed) {
			lane_end(t, l, ev->ts_ns);
			l->exited = true;
		}
	}
	if (t->replay)
		return;
	p->exited = true;
	p->status = ev->status;
}

static void feed_call(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	struct lane_proc *p = proc_get(t, ev->pid, ev->ts_ns);
	const struct call_info *ci = ev->ci;
	struct lane *l = NULL;
	hit->proc = p;

	if (ci->kind == CK_SOCKET) {
		if (!ev->failed && ev->fd >= 0) {
			l = hit->created[0] = lane_new(t, p, ev->fd, ev->ts_ns, LO_SOCKET);
			if (!t->replay && ev->domain.p) {
				char *dom = xstrndup(ev->domain.p, ev->domain.n);
				char *typ = ev->socktype.p ? xstrndup(ev->socktype.p, ev->socktype.n)
							   : xstrndup("", 0);
				l->proto = tables_proto(dom, typ);
				l->cloexec = strstr(typ, "SOCK_CLOEXEC") != NULL;
				if (!l->proto)
					l->family = dom;
				else
					free(dom);
				free(typ);
			}
		}
	} else if (ci->kind == CK_SOCKETPAIR) {
		if (!ev->failed && ev->sv[0] >= 0 && ev->sv[1] >= 0) {
			l = hit->created[0] = lane_new(t, p, ev->sv[0], ev->ts_ns, LO_SOCKETPAIR);
			struct lane *b = hit->created[1] =
				lane_new(t, p, ev->sv[1], ev->ts_ns, LO_SOCKETPAIR);
			if (!t->replay) {
				const char *proto = NULL;
				if (ev->domain.p && ev->socktype.p) {
					char *dom = xstrndup(ev->domain.p, ev->domain.n);
					char *typ = xstrndup(ev->socktype.p, ev->socktype.n);
					proto = tables_proto(dom, typ);
					free(dom);
					free(typ);
				}
				l->proto = b->proto = proto;
				l->conn_next = b; /* partners; numbered in lane_finish */
				b->conn_next = l;
				l->t_conn = b->t_conn = ev->ts_ns;
			}
		}
	} else if (ev->fd >= 0) {
		l = lane_open(t, p->pid, ev->fd);
		/* A descriptor that was never open is not worth a lane of its own. */
		if (!l && !errno_is(ev, "EBADF") && !errno_is(ev, "ENOTSOCK")) {
			struct lane *src = fork_source(t, p, ev->fd);
			l = lane_new(t, p, ev->fd, ev->ts_ns, src ? LO_FORK : LO_INHERITED);
			if (!t->replay)
				l->src = src;
		}
	}

	if (!t->replay) {
		t->calls++;
		if (ev->failed)
			t->errors++;
		if (l) {
			lane_count(l, ev);
			annotate(l, ev);
		} else {
			p->calls++;
			if (ev->failed)
				p->errors++;
		}
	}
	hit->lane = l;

	switch (ci->kind) {
	case CK_ACCEPT:
		if (!ev->failed && ev->ret >= 0) {
			struct lane *n = hit->created[0] = lane_new(t, p, ev->ret, ev->ts_ns, LO_ACCEPT);
			if (!t->replay) {
				n->origin_fd = ev->fd;
				n->role = LR_ACCEPTED;
				n->t_conn = ev->ts_ns + ev->dur_ns;
				set_text(&n->local, &ev->local);
				set_text(&n->remote, &ev->peer);
				if (l) {
					n->proto = lane_root(l)->proto;
					l->accepted++;
					learn_port(root_of(l), n->local);
				}
			}
		}
		break;
	case CK_FCNTL:
		/* F_DUPFD and F_DUPFD_CLOEXEC duplicate like dup */
		if (!(ev->cmd.p && ev->cmd.n >= 7 && memcmp(ev->cmd.p, "F_DUPFD", 7) == 0))
			break;
		__attribute__((fallthrough));
	case CK_DUP:
		if (!ev->failed && ev->ret >= 0 && ev->ret != ev->fd) {
			struct lane *n = hit->created[0] = lane_new(t, p, ev->ret, ev->ts_ns, LO_DUP);
			if (!t->replay) {
				n->origin_fd = ev->fd;
				n->src = l;
			}
		}
		break;
	case CK_CLOSE:
		/* Linux frees the number even when close fails with EINTR or EIO. */
		if (l && !errno_is(ev, "EBADF")) {
			lane_end(t, l, ev->ts_ns);
			/* the lane ends where close starts, not where it returned */
			if (!t->replay)
				l->t_end = ev->ts_ns;
		}
		break;
	default:
		break;
	}
}

void lane_feed(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	if (!t->replay) {
		t->events++;
		if (ev->ts_ns < t->t_min)
			t->t_min = ev->ts_ns;
		int64_t end = ev->ts_ns + (ev->type == TRACE_CALL && ev->dur_ns > 0 ? ev->dur_ns : 0);
		if (end > t->t_max)
			t->t_max = end;
	}
	switch (ev->type) {
	case TRACE_PROC:
		feed_proc(t, ev, hit);
		break;
	case TRACE_EXIT:
		feed_exit(t, ev, hit);
		break;
	case TRACE_CALL:
		feed_call(t, ev, hit);
		break;
	case TRACE_SKIP:
		return;
	}
	struct lane_proc *p = hit->proc;
	if (!t->replay && p) {
		int64_t end = ev->ts_ns + (ev->type == TRACE_CALL && ev->dur_ns > 0 ? ev->dur_ns : 0);
		if (end > p->t_end)
			p->t_end = end;
		if (ev->ts_ns < p->t_start)
			p->t_start = ev->ts_ns;
		if (ev->seq >= 0) {
			p->seq_count++;
			if (ev->seq > p->seq_max)
				p->seq_max = ev->seq;
		}
	}
}

const struct lane *lane_root(const struct lane *l)
{
	/* Bounded: a src chain can only point to older lanes. */
	while (l->src)
		l = l->src;
	return l;
}

/* ---- pairing ---- */

struct cand {
	char *key;
	int64_t t;
	struct lane *l;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->l->id < y->l->id ? -1 : x->l->id > y->l->id;
}

/*
 * A client's lane (local L → remote R) and a server's accepted lane (local R ← peer L) are one
 * connection. Ports get reused, so among lanes with the same key, each accepted lane goes with
 * the latest client that started connecting before the accept returned.
 */
static void pair_tcp(struct lane_table *t)
{
	size_t n = 0;
	for (struct lane *l = t->lanes; l; l = l->next)
		if (!l->src && l->local && l->remote &&
		    (l->role == LR_CLIENT || l->role == LR_ACCEPTED) && l->proto &&
		    strncmp(l->proto, "UNIX", 4) != 0)
			n++;
	struct cand *c = xcalloc(n, sizeof(*c));
	size_t i = 0;
	for (struct lane *l = t->lanes; l; l = l->next) {
		if (!(!l->src && l->local && l->remote &&
		      (l->role == LR_CLIENT || l->role == LR_ACCEPTED) && l->proto &&
		      strncmp(l->proto, "UNIX", 4) != 0))
			continue;
		bool client = l->role == LR_CLIENT;
		struct sbuf key = { 0 };
		sb_puts(&key, client ? l->local : l->remote);
		sb_putc(&key, '|');
		sb_puts(&key, client ? l->remote : l->local);
		sb_str(&key);
		c[i].key = key.p;
		c[i].t = l->t_conn;
		c[i].l = l;
		i++;
	}
	qsort(c, n, sizeof(*c), cand_cmp);
	struct lane *client = NULL;
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(c[i].key, c[i - 1].key) != 0)
			client = NULL;
		struct lane *l = c[i].l;
		if (l->role == LR_CLIENT) {
			client = l;
		} else if (client && !client->conn_next) {
			client->conn_next = l;
			l->conn_next = client;
		}
	}
	for (i = 0; i < n; i++)
		free(c[i].key);
	free(c);
}

/* Numbers connections in lane order and chains every lane of a connection (copies too). */
static void number_conns(struct lane_table *t)
{
	for (struct lane *l = t->lanes; l; l = l->next) {
		if (l->conn_next && !l->conn) {
			l->conn = l->conn_next->conn = ++t->nconns;
		}
	}
	struct lane **tail = xcalloc(t->nconns + 1, sizeof(*tail));
	t->conn_head = xcalloc(t->nconns + 1, sizeof(*t->conn_head));
	for (struct lane *l = t->lanes; l; l = l->next)
		l->conn_next = NULL;
	for (struct lane *l = t->lanes; l; l = l->next) {
		uint32_t c = lane_root(l)->conn;
		if (!c)
			continue;
		l->conn = c;
		if (tail[c])
			tail[c]->conn_next = l;
		else
			t->conn_head[c] = l;
		tail[c] = l;
	}
	free(tail);
}

void lane_finish(struct lane_table *t)
{
	if (t->replay)
		return;
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		proc_close_image(p);
		t->lost += p->lost;
	}
	/* A lane never closed lasts as long as its process was seen. */
	for (struct lane *l = t->lanes; l; l = l->next)
		if (!l->closed && l->proc->t_end > l->t_end)
			l->t_end = l->proc->t_end;
	pair_tcp(t);
	number_conns(t);
	t->by_id = xcalloc(t->nlanes, sizeof(*t->by_id));
	for (struct lane *l = t->lanes; l; l = l->next)
		t->by_id[l->id - 1] = l;
	t->proc_by_id = xcalloc(t->nprocs, sizeof(*t->proc_by_id));
	for (struct lane_proc *p = t->procs; p; p = p->next)
		t->proc_by_id[p->id - 1] = p;
}

void lane_rewind(struct lane_table *t)
{
	memset(t->lhash, 0, t->lhash_n * sizeof(*t->lhash));
	memset(t->phash, 0, t->phash_n * sizeof(*t->phash));
	t->nkeys = 0;
	for (struct lane_proc *p = t->procs; p; p = p->next)
		p->seen_proc = false;
	t->replay = true;
	t->nlanes_pass = t->nprocs_pass = 0;
}

void lane_table_free(struct lane_table *t)
{
	for (struct lane *l = t->lanes, *next; l; l = next) {
		next = l->next;
		free(l->family);
		free(l->local);
		free(l->remote);
		free(l);
	}
	for (struct lane_proc *p = t->procs, *next; p; p = next) {
		next = p->next;
		free(p->exe);
		free(p->cmdline);
		free(p);
	}
	free(t->lhash);
	free(t->phash);
	free(t->by_id);
	free(t->proc_by_id);
	free(t->conn_head);
	memset(t, 0, sizeof(*t));
}

/* ---- labels ---- */

/* User bytes in labels are escaped here, once, so every renderer gets terminal-safe text. */
static void put_user(struct sbuf *sb, const char *s)
{
	sb_put_tty(sb, s, strlen(s));
}

/* "0.0.0.0:53" and "[::]:53" mean any address: "*:53". */
static void put_local(struct sbuf *sb, const char *a)
{
	static const char *const wild[] = { "0.0.0.0:", "[::]:" };
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		size_t n = strlen(wild[i]);
		if (strncmp(a, wild[i], n) == 0) {
			sb_putc(sb, '*');
			put_user(sb, a + n - 1);
			return;
		}
	}
	put_user(sb, a);
}

void lane_label(const struct lane *l, struct sbuf *sb)
{
	const struct lane *r = lane_root(l);
	if (r->proto)
		sb_puts(sb, r->proto);
	else if (r->family)
		put_user(sb, r->family);
	else
		sb_puts(sb, r->local || r->remote ? "socket" : "unknown");
	switch (r->role) {
	case LR_LISTENER:
		sb_putc(sb, ' ');
		put_local(sb, r->local ? r->local : "?");
		sb_puts(sb, " listening");
		break;
	case LR_ACCEPTED:
		if (r->local) {
			sb_putc(sb, ' ');
			put_user(sb, r->local);
		}
		sb_puts(sb, " \u2190 ");
		put_user(sb, r->remote ? r->remote : "?");
		break;
	default:
		if (r->local) {
			sb_putc(sb, ' ');
			put_local(sb, r->local);
		}
		if (r->remote) {
			sb_puts(sb, " \u2192 ");
			put_user(sb, r->remote);
			if (r->remotes > 1)
				sb_printf(sb, " (+%" PRIu32 " more)", r->remotes - 1);
		}
		break;
	}
	switch (l->origin) {
	case LO_ACCEPT:
		sb_printf(sb, ", accepted on fd %" PRId64, l->origin_fd);
		break;
	case LO_DUP:
		sb_printf(sb, ", dup of fd %" PRId64, l->origin_fd);
		break;
	case LO_FORK:
		sb_printf(sb, ", inherited from pid %" PRId64, l->src->pid);
		break;
	case LO_INHERITED:
		sb_puts(sb, ", inherited");
		break;
	case LO_SOCKETPAIR:
		sb_puts(sb, ", socketpair");
		break;
	case LO_SOCKET:
		break;
	}
	if (l->role == LR_LISTENER && l->accepted)
		sb_printf(sb, ", %" PRIu64 " accepted", l->accepted);
}

void lane_totals(const struct lane *l, struct sbuf *sb)
{
	/* Zero bytes both ways is said once, not twice. */
	if (l->bytes_out || l->bytes_in) {
		sb_puts(sb, "sent ");
		fmt_bytes(sb, l->bytes_out);
		sb_puts(sb, ", recv ");
		fmt_bytes(sb, l->bytes_in);
	} else {
		sb_puts(sb, "no data");
	}
	sb_printf(sb, ", %" PRIu64 " call%s", l->calls, l->calls == 1 ? "" : "s");
	if (l->errors)
		sb_printf(sb, ", %" PRIu64 " failed", l->errors);
	sb_puts(sb, ", ");
	fmt_dur(sb, l->t_end - l->t_start);
}

void lane_proc_label(const struct lane_proc *p, struct sbuf *sb)
{
	if (p->cmdline)
		put_user(sb, p->cmdline);
	else if (p->exe)
		put_user(sb, p->exe);
	else
		sb_puts(sb, "?");
}
