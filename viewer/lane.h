/*
 * lane: the third stage — events into descriptor lifetimes ("lanes") and the processes owning
 * them. A lane is one (pid, fd) from creation to close; reusing the number starts a new lane.
 * Streaming: a lane is handed to the consumer when it ends and freed once nothing refers to
 * it, so memory follows the open descriptors and what the consumer chose to keep, not events.
 */
#ifndef SOCKLENS_LANE_H
#define SOCKLENS_LANE_H

#include "trace.h"

enum lane_origin {
	LO_SOCKET,
	LO_SOCKETPAIR,
	LO_ACCEPT,
	LO_DUP,
	LO_FORK,      /* inherited from the parent process's lane (src) */
	LO_INHERITED, /* first seen without being created */
};

enum lane_role {
	LR_NONE,
	LR_CLIENT,   /* connected (local → remote) */
	LR_ACCEPTED, /* accepted (local ← remote) */
	LR_LISTENER,
	LR_BOUND,
};

/* Why a lane ended. */
enum lane_end {
	LE_OPEN,
	LE_CLOSE, /* close() */
	LE_EXIT,  /* the process ended */
	LE_EXEC,  /* close-on-exec */
	LE_REUSE, /* the number was created again without a close we saw */
	LE_TRACE, /* still open when the trace ends */
};

struct lane_proc;
struct lane_pending;

struct lane {
	uint32_t id;   /* 1-based creation order */
	uint32_t refs; /* holders: the fd slot, copies (src), pairing, the consumer */
	int64_t pid, fd;
	int64_t t_start, t_end;
	int64_t t_created;   /* when the number was surely handed out: the creating call's end */
	int64_t tid_created; /* the thread that got it (-1 unknown): its own lines come in order */
	int64_t t_conn;	     /* for pairing: the start of connect, the end of accept */
	bool closed, cloexec;
	enum lane_end end;
	enum lane_origin origin;
	enum lane_role role;
	int64_t origin_fd; /* the listening fd of an accepted lane, the old fd of a dup */
	struct lane *src;  /* the lane this is a copy of (dup, fork), whose label it shares */
	struct lane_proc *proc;
	const char *proto; /* "TCP"…, the socket() domain when unknown, or NULL */
	const char *local; /* addresses as text (interned); raw bytes, escaped when shown */
	const char *remote;
	uint32_t remotes; /* distinct remote addresses seen (datagram sockets) */
	uint64_t calls, errors, bytes_out, bytes_in, accepted;
	uint32_t conn;		      /* connection number shared by paired lanes; 0 for none */
	struct lane_pending *pending; /* waiting in the pairing registry */
	struct lane *prev_fd;	      /* the earlier lane of the same pid and fd */
	struct lane *hnext;	      /* hash chain of slot heads */
	struct lane *open_next, *open_prev; /* the process's open lanes */
	void *user;			    /* the consumer's per-lane data */
};

struct lane_proc {
	uint32_t id;
	int64_t pid, ppid, fork_of;
	const char *exe, *cmdline; /* interned; raw bytes, escaped when shown */
	int64_t t_start, t_end, t_exec;
	bool seen_proc, exited;
	int64_t status;
	uint32_t execs;
	uint64_t calls, errors; /* calls with no descriptor (a failed socket()) */
	int64_t seq_max;
	uint64_t seq_count, lost;
	struct lane_proc *parent;
	struct lane *open; /* open lanes */
	int64_t *fds;	   /* descriptor numbers with a slot, dropped at exit */
	uint32_t nfds, capfds;
	struct lane_proc *hnext, *next;
	void *user;
};

struct lane_table;

/* What the consumer hears about; both optional. A consumer keeps a lane with lane_hold. */
struct lane_ops {
	void (*created)(struct lane_table *t, struct lane *l);
	void (*closed)(struct lane_table *t, struct lane *l);
	void *ctx; /* the consumer's, as t->ops.ctx */
};

struct lane_table {
	struct lane_ops ops;
	struct lane **lhash;
	size_t lhash_n, nkeys;
	struct lane_proc **phash;
	size_t phash_n;
	struct lane_proc *procs, *procs_tail;
	uint32_t nlanes, nprocs, nconns;
	size_t live; /* lanes allocated now */
	int64_t t_min, t_max;
	uint64_t events, calls, errors, lost;
	struct intern *strings;
	struct pairing *pairing;
	/* Lanes and pairing entries let go, kept for the next ones (chained by hnext): a trace
	 * makes and ends them by the hundred thousand, and malloc took ~300 instructions a lane. */
	struct lane *spare_lanes;
	struct lane_pending *spare_pending;
	struct sbuf scratch; /* addresses are formatted here before interning */
};

/* Where one event landed. */
struct lane_hit {
	struct lane *lane;	 /* the lane of ev->fd, or NULL for a call with no descriptor */
	struct lane *created[2]; /* lanes this event created (accept: the new connection) */
	struct lane_proc *proc;
	bool late; /* a line that reached the file after its lane had ended: see late_lane */
};

void lane_table_init(struct lane_table *t, const struct lane_ops *ops);
void lane_feed(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit);
/* At the end of the input: ends the lanes still open (they are reported as closed). */
void lane_finish(struct lane_table *t);
void lane_table_free(struct lane_table *t);

void lane_hold(struct lane *l);
void lane_release(struct lane_table *t, struct lane *l);

/*
 * "TCP 127.0.0.1:39122 → 127.0.0.1:8080", "UDP *:5353", "TCP *:8080 listening"…: ASCII, with
 * bytes from the trace escaped as \xNN, plus the arrows in UTF-8.
 */
void lane_label(const struct lane *l, struct sbuf *sb);
/* "sent 1.2 KiB, recv 78 B, 9 calls, 1 failed, 1.5 ms" */
void lane_totals(const struct lane *l, struct sbuf *sb);
/* The lane whose addresses and role this one shows (itself unless it is a copy). */
const struct lane *lane_root(const struct lane *l);
/* The connection number, found through the copies' source. */
uint32_t lane_conn(const struct lane *l);
/* The process's command line (escaped like labels), or "?" when unknown. */
void lane_proc_label(const struct lane_proc *p, struct sbuf *sb);

#endif
