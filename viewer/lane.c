/*
 * lane: the third stage — events into descriptor lifetimes ("lanes") and the processes owning
 * them. Lanes are reference-counted: the (pid, fd) slot keeps the newest few (a forked child
 * may still inherit one its parent already closed), copies keep their source, the pairing
 * registry keeps lanes waiting for their other end, and the consumer keeps what it will draw.
 */
#include "lane.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* Lanes kept per (pid, fd) after they end: enough for a child forked just before a close. */
#define SLOT_DEPTH 3
/* A connection's other end may show up this much later in the stream, and no later. */
#define PENDING_AGE_NS (30 * 1000000000LL)
#define PENDING_MAX    65536

static size_t hash2(uint64_t a, uint64_t b, size_t n)
{
	uint64_t h = a * 0x9E3779B97F4A7C15u ^ b * 0xC2B2AE3D27D4EB4Fu;
	return (size_t)(h ^ (h >> 29)) & (n - 1);
}

/* ---- interned strings: addresses and command lines repeat across thousands of lanes ---- */

struct istr {
	size_t n;
	char s[];
};

/*
 * Open addressing, each slot with its string's hash: a lookup reads one run of slots and only
 * the string it finds, where chains read every entry on the way (cache misses, at ~30k
 * client addresses), and growing reuses the hashes.
 */
struct intern {
	struct islot {
		uint64_t h;
		struct istr *e; /* NULL: free */
	} *slots;
	size_t n, count; /* n a power of two, at most half full */
};

/* Eight bytes at a time: addresses are hashed for every connect and accept. */
static uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = n * 0x9E3779B97F4A7C15u;
	for (;;) {
		uint64_t w = 0;
		size_t k = n < 8 ? n : 8;
		memcpy(&w, s, k);
		h = (h ^ w) * 0xBF58476D1CE4E5B9u;
		h ^= h >> 31;
		if (n <= 8)
			return h;
		s += 8;
		n -= 8;
	}
}

static void intern_grow(struct intern *in)
{
	size_t nn = in->n * 2;
	struct islot *ns = xcalloc(nn, sizeof(*ns));
	for (size_t i = 0; i < in->n; i++) {
		if (!in->slots[i].e)
			continue;
		size_t b = (size_t)in->slots[i].h & (nn - 1);
		while (ns[b].e)
			b = (b + 1) & (nn - 1);
		ns[b] = in->slots[i];
	}
	free(in->slots);
	in->slots = ns;
	in->n = nn;
}

static const char *intern(struct lane_table *t, const char *s, size_t n)
{
	struct intern *in = t->strings;
	uint64_t h = str_hash(s, n);
	size_t b = (size_t)h & (in->n - 1);
	for (; in->slots[b].e; b = (b + 1) & (in->n - 1)) {
		struct istr *e = in->slots[b].e;
		if (in->slots[b].h == h && e->n == n && memcmp(e->s, s, n) == 0)
			return e->s;
	}
	struct istr *e = xcalloc(1, sizeof(*e) + n + 1);
	memcpy(e->s, s, n);
	e->n = n;
	in->slots[b].h = h;
	in->slots[b].e = e;
	if (++in->count * 2 > in->n)
		intern_grow(in);
	return e->s;
}

/* ---- pairing registry: lanes waiting for the other end of their connection ---- */

struct lane_pending {
	const char *client,
	    *server; /* interned endpoint texts: pointer equality is string equality */
	struct lane *l;
	struct lane_pending *hnext, *fnext, *fprev;
};

struct pairing {
	struct lane_pending **hash;
	size_t n, count;
	struct lane_pending *head, *tail; /* oldest first */
};

void lane_table_init(struct lane_table *t, const struct lane_ops *ops)
{
	memset(t, 0, sizeof(*t));
	if (ops)
		t->ops = *ops;
	t->lhash_n = 1024;
	t->lhash = xcalloc(t->lhash_n, sizeof(*t->lhash));
	t->phash_n = 256;
	t->phash = xcalloc(t->phash_n, sizeof(*t->phash));
	t->strings = xcalloc(1, sizeof(*t->strings));
	t->strings->n = 1024;
	t->strings->slots = xcalloc(t->strings->n, sizeof(*t->strings->slots));
	t->pairing = xcalloc(1, sizeof(*t->pairing));
	t->pairing->n = 4096;
	t->pairing->hash = xcalloc(t->pairing->n, sizeof(*t->pairing->hash));
	t->t_min = INT64_MAX;
	t->t_max = INT64_MIN;
}

/* ---- reference counting ---- */

void lane_hold(struct lane *l)
{
	l->refs++;
}

static void pending_remove(struct lane_table *t, struct lane_pending *e);

void lane_release(struct lane_table *t, struct lane *l)
{
	while (l && --l->refs == 0) {
		struct lane *src = l->src;
		l->hnext = t->spare_lanes;
		t->spare_lanes = l;
		t->live--;
		l = src; /* a copy held its source */
	}
}

/* ---- processes ---- */

static struct lane_proc *proc_find(struct lane_table *t, int64_t pid)
{
	for (struct lane_proc *p = t->phash[hash2((uint64_t)pid, 0, t->phash_n)]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_unhash(struct lane_table *t, struct lane_proc *old)
{
	struct lane_proc **pp = &t->phash[hash2((uint64_t)old->pid, 0, t->phash_n)];
	while (*pp && *pp != old)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = old->hnext;
	old->hnext = NULL;
}

static struct lane_proc *proc_new(struct lane_table *t, int64_t pid, int64_t ts)
{
	struct lane_proc *p = xcalloc(1, sizeof(*p));
	p->id = ++t->nprocs;
	p->pid = pid;
	p->ppid = p->fork_of = -1;
	p->t_start = p->t_end = ts;
	p->seq_max = -1;
	if (t->procs_tail)
		t->procs_tail->next = p;
	else
		t->procs = p;
	t->procs_tail = p;
	if (t->nprocs > t->phash_n) {
		size_t n = t->phash_n * 2;
		struct lane_proc **h = xcalloc(n, sizeof(*h));
		for (size_t i = 0; i < t->phash_n; i++) {
			for (struct lane_proc *q = t->phash[i], *next; q; q = next) {
				next = q->hnext;
				size_t b = hash2((uint64_t)q->pid, 0, n);
				q->hnext = h[b];
				h[b] = q;
			}
		}
		free(t->phash);
		t->phash = h;
		t->phash_n = n;
	}
	size_t b = hash2((uint64_t)pid, 0, t->phash_n);
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
static void proc_close_image(struct lane_table *t, struct lane_proc *p)
{
	if (p->seq_max >= 0 && (uint64_t)p->seq_max + 1 > p->seq_count) {
		p->lost += (uint64_t)p->seq_max + 1 - p->seq_count;
		t->lost += (uint64_t)p->seq_max + 1 - p->seq_count;
	}
	p->seq_max = -1;
	p->seq_count = 0;
}

/* ---- lanes ---- */

static struct lane **lane_slot(struct lane_table *t, int64_t pid, int64_t fd)
{
	struct lane **pp = &t->lhash[hash2((uint64_t)pid, (uint64_t)fd, t->lhash_n)];
	while (*pp && !((*pp)->pid == pid && (*pp)->fd == fd))
		pp = &(*pp)->hnext;
	return pp;
}

static struct lane *lane_open(struct lane_table *t, int64_t pid, int64_t fd)
{
	struct lane *l = *lane_slot(t, pid, fd);
	return l && !l->closed ? l : NULL;
}

static void lane_rehash(struct lane_table *t)
{
	size_t n = t->lhash_n * 2;
	struct lane **h = xcalloc(n, sizeof(*h));
	for (size_t i = 0; i < t->lhash_n; i++) {
		for (struct lane *l = t->lhash[i], *next; l; l = next) {
			next = l->hnext;
			size_t b = hash2((uint64_t)l->pid, (uint64_t)l->fd, n);
			l->hnext = h[b];
			h[b] = l;
		}
	}
	free(t->lhash);
	t->lhash = h;
	t->lhash_n = n;
}

static void lane_end(struct lane_table *t, struct lane *l, int64_t ts, enum lane_end why)
{
	if (l->closed)
		return;
	l->closed = true;
	l->end = why;
	if (ts > l->t_end)
		l->t_end = ts;
	struct lane_proc *p = l->proc;
	if (l->open_prev)
		l->open_prev->open_next = l->open_next;
	else
		p->open = l->open_next;
	if (l->open_next)
		l->open_next->open_prev = l->open_prev;
	l->open_next = l->open_prev = NULL;
	if (t->ops.closed)
		t->ops.closed(t, l);
}

/* Lets go of a slot's chain from l on. */
static void chain_release(struct lane_table *t, struct lane *l)
{
	while (l) {
		struct lane *prev = l->prev_fd;
		l->prev_fd = NULL;
		l->hnext = NULL;
		lane_release(t, l);
		l = prev;
	}
}

static struct lane *lane_new(struct lane_table *t, struct lane_proc *p, int64_t fd, int64_t ts,
			     enum lane_origin origin, struct lane *src)
{
	struct lane **slot = lane_slot(t, p->pid, fd);
	struct lane *old = *slot;
	/* A creation on a number still open means we missed its close (close_range, exec). */
	if (old && !old->closed)
		lane_end(t, old, ts, LE_REUSE);
	struct lane *l = t->spare_lanes;
	if (l) {
		t->spare_lanes = l->hnext;
		memset(l, 0, sizeof(*l));
	} else {
		l = xcalloc(1, sizeof(*l));
	}
	t->live++;
	l->id = ++t->nlanes;
	l->refs = 1; /* the slot's */
	l->pid = p->pid;
	l->fd = fd;
	l->t_start = l->t_end = l->t_created = ts;
	l->tid_created = -1;
	l->origin = origin;
	l->origin_fd = -1;
	l->proc = p;
	if (src) {
		l->src = src;
		lane_hold(src);
	}
	l->open_next = p->open;
	if (p->open)
		p->open->open_prev = l;
	p->open = l;
	l->prev_fd = old;
	if (old) {
		l->hnext = old->hnext;
		old->hnext = NULL;
		*slot = l;
		/* keep the newest few of this slot */
		struct lane *x = l;
		for (int d = 1; x && d < SLOT_DEPTH; d++)
			x = x->prev_fd;
		if (x && x->prev_fd) {
			chain_release(t, x->prev_fd);
			x->prev_fd = NULL;
		}
	} else {
		*slot = l;
		if (p->nfds == p->capfds) {
			p->capfds = p->capfds ? p->capfds * 2 : 4;
			p->fds = xrealloc(p->fds, p->capfds, sizeof(*p->fds));
		}
		p->fds[p->nfds++] = fd;
		if (++t->nkeys > t->lhash_n)
			lane_rehash(t);
	}
	if (t->ops.created)
		t->ops.created(t, l);
	return l;
}

/* After exit: nothing can use the process's descriptors any more. */
static void proc_drop_slots(struct lane_table *t, struct lane_proc *p)
{
	for (uint32_t i = 0; i < p->nfds; i++) {
		struct lane **slot = lane_slot(t, p->pid, p->fds[i]);
		struct lane *l = *slot;
		if (!l)
			continue;
		*slot = l->hnext;
		t->nkeys--;
		chain_release(t, l);
	}
	free(p->fds);
	p->fds = NULL;
	p->nfds = p->capfds = 0;
}

/* The parent's lane this forked child got fd from: the newest one created before the fork. */
static struct lane *fork_source(struct lane_table *t, struct lane_proc *p, int64_t fd)
{
	if (!p->parent)
		return NULL;
	for (struct lane *l = *lane_slot(t, p->parent->pid, fd); l; l = l->prev_fd)
		if (l->t_start <= p->t_start)
			return l;
	return NULL;
}

static struct lane *root_of(struct lane *l)
{
	while (l->src)
		l = l->src;
	return l;
}

const struct lane *lane_root(const struct lane *l)
{
	/* Bounded: a src chain can only point to older lanes. */
	while (l->src)
		l = l->src;
	return l;
}

uint32_t lane_conn(const struct lane *l)
{
	return lane_root(l)->conn;
}

/* ---- pairing ---- */

static void pending_remove(struct lane_table *t, struct lane_pending *e)
{
	struct pairing *pr = t->pairing;
	struct lane_pending **pp =
	    &pr->hash[hash2((uint64_t)(uintptr_t)e->client, (uint64_t)(uintptr_t)e->server, pr->n)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	if (e->fprev)
		e->fprev->fnext = e->fnext;
	else
		pr->head = e->fnext;
	if (e->fnext)
		e->fnext->fprev = e->fprev;
	else
		pr->tail = e->fprev;
	pr->count--;
	struct lane *l = e->l;
	l->pending = NULL;
	e->hnext = t->spare_pending;
	t->spare_pending = e;
	lane_release(t, l);
}

/*
 * A client's lane (local L → remote R) and a server's accepted lane (local R ← peer L) are one
 * connection. Whichever end comes first waits here; the newest waiting lane of the other role
 * with the same endpoints is taken, since port numbers get reused over a long trace.
 */
static void pair(struct lane_table *t, struct lane *l, int64_t now)
{
	struct pairing *pr = t->pairing;
	/* The oldest waiting lanes give up once they have ended long ago. */
	while (pr->head && (pr->count > PENDING_MAX ||
			    (pr->head->l->closed && pr->head->l->t_end < ns_sub(now, PENDING_AGE_NS))))
		pending_remove(t, pr->head);
	/*
	 * A UNIX client's end is unnamed, so its connections pair by the server's path and by
	 * time alone: right unless several connect to the same path at once (see socklens.1).
	 */
	if (!l->local || !l->remote || l->src || l->pending || l->conn)
		return;
	bool client = l->role == LR_CLIENT;
	const char *c = client ? l->local : l->remote, *s = client ? l->remote : l->local;
	size_t b = hash2((uint64_t)(uintptr_t)c, (uint64_t)(uintptr_t)s, pr->n);
	for (struct lane_pending *e = pr->hash[b]; e; e = e->hnext) {
		if (e->client == c && e->server == s && (e->l->role == LR_CLIENT) != client) {
			l->conn = e->l->conn = ++t->nconns;
			pending_remove(t, e);
			return;
		}
	}
	struct lane_pending *e = t->spare_pending;
	if (e) {
		t->spare_pending = e->hnext;
		memset(e, 0, sizeof(*e));
	} else {
		e = xcalloc(1, sizeof(*e));
	}
	e->client = c;
	e->server = s;
	e->l = l;
	lane_hold(l);
	l->pending = e;
	e->hnext = pr->hash[b];
	pr->hash[b] = e;
	e->fprev = pr->tail;
	if (pr->tail)
		pr->tail->fnext = e;
	else
		pr->head = e;
	pr->tail = e;
	pr->count++;
}

/* ---- events ---- */

/* Address text: IPv4-mapped IPv6 is written as IPv4 so both ends of a dual-stack pair match. */
static const char *addr_text(struct lane_table *t, const struct trace_addr *a)
{
	if (a->kind == ADDR_NONE)
		return NULL;
	struct trace_addr v4 = *a;
	if (a->kind == ADDR_INET6 && a->host.n > 7 && memcmp(a->host.p, "::ffff:", 7) == 0 &&
	    memchr(a->host.p, '.', a->host.n)) {
		v4.kind = ADDR_INET;
		v4.host.p += 7;
		v4.host.n -= 7;
	}
	/* One heap buffer reused for every address: no allocation per call, no size guessing. */
	sb_reset(&t->scratch);
	trace_format_addr(&v4, &t->scratch);
	return intern(t, t->scratch.p ? t->scratch.p : "", t->scratch.n);
}

static bool errno_is(const struct trace_event *ev, const char *name)
{
	return ev->failed && trace_str_eq(ev->err, name);
}

/*
 * A listener bound to port 0 got its port from the kernel; the first accepted connection's
 * local address tells which, so the label can say "*:41234" rather than "*:0".
 */
static void learn_port(struct lane_table *t, struct lane *listener, const char *accepted_local)
{
	const char *l = listener->local;
	size_t n = l ? strlen(l) : 0;
	const char *port = accepted_local ? strrchr(accepted_local, ':') : NULL;
	if (n < 2 || strcmp(l + n - 2, ":0") != 0 || !port)
		return;
	struct sbuf sb = {0};
	sb_put(&sb, l, n - 2);
	sb_puts(&sb, port);
	listener->local = intern(t, sb.p, sb.n);
	sb_free(&sb);
}

/* Annotations from the call's arguments: what the socket is, where it goes, what moved. */
static void annotate(struct lane_table *t, struct lane *l, const struct trace_event *ev)
{
	const char *s;
	switch (ev->ci->kind) {
	case CK_BIND:
		/* `local`, when the shim adds it, has the port the kernel chose for port 0 */
		if (!ev->failed &&
		    ((s = addr_text(t, &ev->local)) || (s = addr_text(t, &ev->addr)))) {
			l->local = s;
			if (l->role == LR_NONE)
				l->role = LR_BOUND;
		}
		break;
	case CK_CONNECT:
		if ((s = addr_text(t, &ev->addr)))
			l->remote = s;
		if (!ev->failed || errno_is(ev, "EINPROGRESS")) {
			if ((s = addr_text(t, &ev->local)))
				l->local = s;
			l->role = LR_CLIENT;
			l->t_conn = ev->ts_ns;
			pair(t, l, ev->ts_ns);
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
		if (ev->addr.kind != ADDR_NONE && l->role != LR_CLIENT && l->role != LR_ACCEPTED &&
		    (s = addr_text(t, &ev->addr))) {
			if (!l->remote) {
				l->remote = s;
				l->remotes = 1;
			} else if (s != l->remote && l->remotes < UINT32_MAX) {
				l->remotes++;
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
	int64_t end = trace_end_ns(ev);
	if (end > l->t_end)
		l->t_end = end;
}

static const char *argv_text(struct lane_table *t, const struct trace_event *ev)
{
	struct sbuf sb = {0};
	for (size_t i = 0; i < ev->argc; i++) {
		if (i)
			sb_putc(&sb, ' ');
		sb_put(&sb, ev->argv[i].p, ev->argv[i].n);
	}
	const char *s = intern(t, sb.p ? sb.p : "", sb.n);
	sb_free(&sb);
	return s;
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
	if (p->seen_proc) {
		/* A new image in the same process: exec. Close-on-exec sockets end here. */
		p->execs++;
		p->t_exec = ev->ts_ns;
		/* seq runs on across exec (trace-format.md); only a new image that starts
		 * again at 0 (SOCKLENS_SEQ lost on the way) is counted on its own. */
		if (ev->seq == 0)
			proc_close_image(t, p);
		for (struct lane *l = p->open, *next; l; l = next) {
			next = l->open_next;
			if (l->cloexec)
				lane_end(t, l, ev->ts_ns, LE_EXEC);
		}
	} else {
		p->t_start = ev->ts_ns;
	}
	p->seen_proc = true;
	p->ppid = ev->ppid;
	if (ev->fork_of >= 0) {
		p->fork_of = ev->fork_of;
		p->parent = proc_find(t, ev->fork_of);
	}
	if (ev->exe.p)
		p->exe = intern(t, ev->exe.p, ev->exe.n);
	if (ev->argc)
		p->cmdline = argv_text(t, ev);
}

static void feed_exit(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	struct lane_proc *p = proc_get(t, ev->pid, ev->ts_ns);
	hit->proc = p;
	while (p->open)
		lane_end(t, p->open, ev->ts_ns, LE_EXIT);
	proc_drop_slots(t, p);
	p->exited = true;
	p->status = ev->status;
}

static const char *socket_proto(struct lane_table *t, const struct trace_event *ev, bool *cloexec)
{
	if (!ev->domain.p)
		return NULL;
	char dom[64], typ[128];
	size_t dn = ev->domain.n < sizeof(dom) - 1 ? ev->domain.n : sizeof(dom) - 1;
	size_t tn = ev->socktype.n < sizeof(typ) - 1 ? ev->socktype.n : sizeof(typ) - 1;
	memcpy(dom, ev->domain.p, dn);
	dom[dn] = '\0';
	memcpy(typ, ev->socktype.p ? ev->socktype.p : "", tn);
	typ[tn] = '\0';
	if (cloexec)
		*cloexec = strstr(typ, "SOCK_CLOEXEC") != NULL;
	const char *proto = tables_proto(dom, typ);
	/* an unknown family is still worth naming: "AF_BLUETOOTH" */
	return proto ? proto : intern(t, ev->domain.p, ev->domain.n);
}

/*
 * Threads race between a call's return and the write of its line: a thread preempted there
 * (tens of ms is common) writes a line about a descriptor after another thread has closed it,
 * or even reused its number. A call that ran before the current lane's number was handed out,
 * or when no lane is open, belongs to the newest earlier lane of the number that was alive at
 * its start — not to a new "inherited" lane.
 */
static struct lane *late_lane(struct lane_table *t, struct lane_proc *p,
			      const struct trace_event *ev, struct lane *open, bool *orphan)
{
	*orphan = false;
	if (open && (ev->ts_ns >= open->t_created || ev->tid == open->tid_created))
		return NULL;
	struct lane *old = open ? open->prev_fd : *lane_slot(t, p->pid, ev->fd);
	for (; old; old = old->prev_fd)
		if (old->closed && old->t_start <= ev->ts_ns && ev->ts_ns <= old->t_end)
			return old;
	/*
	 * It ran before the open lane existed, on a lane already let go (the number may have
	 * been reused a thousand times since): it belongs to no lane we still have, and above
	 * all must not close the open one.
	 */
	struct lane *head = open ? open : *lane_slot(t, p->pid, ev->fd);
	*orphan = head && ev->ts_ns < head->t_created && ev->tid != head->tid_created;
	return NULL;
}

static void feed_call(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit)
{
	struct lane_proc *p = proc_get(t, ev->pid, ev->ts_ns);
	const struct call_info *ci = ev->ci;
	struct lane *l = NULL;
	hit->proc = p;

	if (ci->kind == CK_SOCKET) {
		if (!ev->failed && ev->fd >= 0) {
			l = hit->created[0] = lane_new(t, p, ev->fd, ev->ts_ns, LO_SOCKET, NULL);
			l->proto = socket_proto(t, ev, &l->cloexec);
			l->t_created = trace_end_ns(ev);
			l->tid_created = ev->tid;
		}
	} else if (ci->kind == CK_SOCKETPAIR) {
		if (!ev->failed && ev->sv[0] >= 0 && ev->sv[1] >= 0) {
			l = hit->created[0] =
			    lane_new(t, p, ev->sv[0], ev->ts_ns, LO_SOCKETPAIR, NULL);
			struct lane *b = hit->created[1] =
			    lane_new(t, p, ev->sv[1], ev->ts_ns, LO_SOCKETPAIR, NULL);
			l->proto = b->proto = socket_proto(t, ev, NULL);
			l->t_created = b->t_created = trace_end_ns(ev);
			l->tid_created = b->tid_created = ev->tid;
			/* both ends known at once: a connection without any waiting */
			l->conn = b->conn = ++t->nconns;
		}
	} else if (ev->fd >= 0) {
		l = lane_open(t, p->pid, ev->fd);
		bool orphan;
		struct lane *late = late_lane(t, p, ev, l, &orphan);
		if (late || orphan) {
			hit->late = true;
			l = late;
		}
		/* A descriptor that was never open is not worth a lane of its own. */
		if (!l && !hit->late && !errno_is(ev, "EBADF") && !errno_is(ev, "ENOTSOCK")) {
			struct lane *src = fork_source(t, p, ev->fd);
			l = lane_new(t, p, ev->fd, ev->ts_ns, src ? LO_FORK : LO_INHERITED, src);
		}
	}

	t->calls++;
	if (ev->failed)
		t->errors++;
	if (l) {
		lane_count(l, ev);
		annotate(t, l, ev);
	} else {
		p->calls++;
		if (ev->failed)
			p->errors++;
	}
	hit->lane = l;

	switch (ci->kind) {
	case CK_ACCEPT:
		if (!ev->failed && ev->ret >= 0) {
			struct lane *n = hit->created[0] =
			    lane_new(t, p, ev->ret, ev->ts_ns, LO_ACCEPT, NULL);
			n->origin_fd = ev->fd;
			n->t_created = trace_end_ns(ev);
			n->tid_created = ev->tid;
			n->role = LR_ACCEPTED;
			n->t_conn = trace_end_ns(ev);
			n->local = addr_text(t, &ev->local);
			n->remote = addr_text(t, &ev->peer);
			if (l) {
				struct lane *r = root_of(l);
				n->proto = r->proto;
				l->accepted++;
				learn_port(t, r, n->local);
			}
			pair(t, n, ev->ts_ns);
		}
		break;
	case CK_FCNTL:
		/* F_DUPFD and F_DUPFD_CLOEXEC duplicate like dup */
		if (!(ev->cmd.p && ev->cmd.n >= 7 && memcmp(ev->cmd.p, "F_DUPFD", 7) == 0))
			break;
		__attribute__((fallthrough));
	case CK_DUP:
		if (!ev->failed && ev->ret >= 0 && ev->ret != ev->fd) {
			struct lane *n = hit->created[0] =
			    lane_new(t, p, ev->ret, ev->ts_ns, LO_DUP, l);
			n->origin_fd = ev->fd;
			n->t_created = trace_end_ns(ev);
			n->tid_created = ev->tid;
		}
		break;
	case CK_CLOSE:
		if (hit->late) {
			/* the earlier lane, ended when its number was reused, ends here after all */
			if (l && l->end == LE_REUSE) {
				l->end = LE_CLOSE;
				l->t_end = ev->ts_ns;
			}
			break;
		}
		/* Linux frees the number even when close fails with EINTR or EIO. */
		if (l && !errno_is(ev, "EBADF")) {
			lane_end(t, l, ev->ts_ns, LE_CLOSE);
			/* the lane ends where close starts, not where it returned */
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
	t->events++;
	int64_t end = trace_end_ns(ev);
	if (ev->ts_ns < t->t_min)
		t->t_min = ev->ts_ns;
	if (end > t->t_max)
		t->t_max = end;
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

void lane_finish(struct lane_table *t)
{
	for (struct lane_proc *p = t->procs; p; p = p->next) {
		proc_close_image(t, p);
		/* A lane never closed lasts as long as its process was seen. */
		while (p->open)
			lane_end(t, p->open, p->t_end, LE_TRACE);
	}
}

void lane_table_free(struct lane_table *t)
{
	while (t->pairing->head)
		pending_remove(t, t->pairing->head);
	for (struct lane_proc *p = t->procs; p; p = p->next)
		proc_drop_slots(t, p);
	for (struct lane_proc *p = t->procs, *next; p; p = next) {
		next = p->next;
		free(p->fds);
		free(p);
	}
	struct intern *in = t->strings;
	for (size_t i = 0; i < in->n; i++)
		free(in->slots[i].e);
	free(in->slots);
	free(in);
	for (struct lane *l = t->spare_lanes, *next; l; l = next) {
		next = l->hnext;
		free(l);
	}
	for (struct lane_pending *e = t->spare_pending, *next; e; e = next) {
		next = e->hnext;
		free(e);
	}
	free(t->pairing->hash);
	free(t->pairing);
	free(t->lhash);
	free(t->phash);
	sb_free(&t->scratch);
	memset(t, 0, sizeof(*t));
}

/* ---- labels ---- */

/* The length of an interned string, which may hold NUL bytes (abstract socket names). */
static size_t ilen(const char *s)
{
	const struct istr *e = (const struct istr *)(s - offsetof(struct istr, s));
	return e->n;
}

/* User bytes in labels are escaped here, once, so every renderer gets terminal-safe text. */
static void put_user(struct sbuf *sb, const char *s)
{
	sb_put_tty(sb, s, ilen(s));
}

/* "0.0.0.0:53" and "[::]:53" mean any address: "*:53". */
static void put_local(struct sbuf *sb, const char *a)
{
	static const char *const wild[] = {"0.0.0.0:", "[::]:"};
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		size_t n = strlen(wild[i]);
		if (strncmp(a, wild[i], n) == 0) {
			sb_putc(sb, '*');
			sb_put_tty(sb, a + n - 1, ilen(a) - (n - 1));
			return;
		}
	}
	put_user(sb, a);
}

void lane_label(const struct lane *l, struct sbuf *sb)
{
	const struct lane *r = lane_root(l);
	if (r->proto)
		sb_put_tty(sb, r->proto, strlen(r->proto)); /* a table's, or a domain's name */
	else
		sb_puts(sb, r->local || r->remote ? "socket" : "unknown");
	switch (r->role) {
	case LR_LISTENER:
		sb_putc(sb, ' ');
		if (r->local)
			put_local(sb, r->local);
		else
			sb_putc(sb, '?');
		sb_puts(sb, " listening");
		break;
	case LR_ACCEPTED:
		if (r->local) {
			sb_putc(sb, ' ');
			put_user(sb, r->local);
		}
		sb_puts(sb, " \u2190 ");
		if (r->remote)
			put_user(sb, r->remote);
		else
			sb_putc(sb, '?');
		break;
	default:
		/* an unnamed UNIX client end says nothing worth the space */
		if (r->local && strcmp(r->local, "(unnamed)") != 0) {
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
	fmt_dur(sb, ns_sub(l->t_end, l->t_start));
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
