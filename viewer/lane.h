/* lane: the third stage — events into descriptor lifetimes ("lanes") and the processes owning them. */
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

struct lane_proc;

struct lane {
	uint32_t id; /* 1-based creation order, identical in every pass */
	int64_t pid, fd;
	int64_t t_start, t_end;
	bool closed, exited; /* ended by close(), or by the process's exit */
	bool cloexec;
	enum lane_origin origin;
	int64_t origin_fd; /* the listening fd of an accepted lane, the old fd of a dup */
	struct lane *src;  /* the lane this is a copy of (dup, fork), whose label it shares */
	struct lane_proc *proc;
	const char *proto;    /* "TCP"…, or NULL */
	char *family;	      /* the socket() domain when proto is unknown */
	char *local, *remote; /* addresses as text; raw bytes, escaped when shown */
	uint32_t remotes;     /* distinct remote addresses seen (datagram sockets) */
	enum lane_role role;
	int64_t t_conn; /* for pairing: the start of connect, the end of accept */
	uint64_t calls, errors, bytes_out, bytes_in, accepted;
	uint32_t conn;		/* connection number shared by paired lanes; 0 for none */
	struct lane *conn_next; /* the other lanes of the same connection, in order */
	struct lane *prev_fd;	/* the earlier lane of the same pid and fd */
	struct lane *hnext;	/* hash chain */
	struct lane *next;	/* all lanes, creation order */
	struct lane *proc_next; /* the lanes of one process, creation order */
	void *user;		/* a renderer's per-lane data */
};

struct lane_proc {
	uint32_t id;
	int64_t pid, ppid, fork_of;
	char *exe, *cmdline; /* raw bytes, escaped when shown */
	int64_t t_start, t_end, t_exec;
	bool seen_proc, exited;
	int64_t status;
	uint32_t execs;
	uint64_t calls, errors; /* calls with no descriptor (a failed socket()) */
	int64_t seq_max;
	uint64_t seq_count, lost;
	struct lane_proc *parent;
	struct lane *lanes, *lanes_tail;
	struct lane_proc *hnext, *next;
	void *user;
};

struct lane_table {
	struct lane **lhash;
	size_t lhash_n, nkeys, nlanes, nlanes_pass;
	struct lane_proc **phash;
	size_t phash_n, nprocs, nprocs_pass;
	struct lane *lanes, *lanes_tail;
	struct lane_proc *procs, *procs_tail;
	struct lane **by_id;	     /* filled by lane_finish, for replay */
	struct lane_proc **proc_by_id;
	bool replay;		     /* second pass: same lanes again, totals untouched */
	bool diverged;		     /* the second pass created what the first did not: a bug */
	int64_t t_min, t_max;
	uint64_t events, calls, errors, lost;
	uint32_t nconns;
	struct lane **conn_head; /* [conn] the first lane of each connection */
};

/* Where one event landed. */
struct lane_hit {
	struct lane *lane;	 /* the lane of ev->fd, or NULL for a call with no descriptor */
	struct lane *created[2]; /* lanes this event created (accept: the new connection) */
	struct lane_proc *proc;
};

void lane_table_init(struct lane_table *t);
void lane_feed(struct lane_table *t, const struct trace_event *ev, struct lane_hit *hit);
/* After the first pass: ends open lanes, pairs connections, numbers them. */
void lane_finish(struct lane_table *t);
/* Before a second pass over the same events. */
void lane_rewind(struct lane_table *t);
void lane_table_free(struct lane_table *t);

/*
 * "TCP 127.0.0.1:39122 → 127.0.0.1:8080", "UDP *:5353", "TCP *:8080 listening"…: ASCII, with
 * bytes from the trace escaped as \xNN, plus the arrows in UTF-8.
 */
void lane_label(const struct lane *l, struct sbuf *sb);
/* "sent 1.2 KiB, recv 78 B, 9 calls, 1 error, 1.5 ms" */
void lane_totals(const struct lane *l, struct sbuf *sb);
/* The lane whose addresses and role this one shows (itself unless it is a copy). */
const struct lane *lane_root(const struct lane *l);
/* The process's command line (escaped like labels), or "?" when unknown. */
void lane_proc_label(const struct lane_proc *p, struct sbuf *sb);

#endif
