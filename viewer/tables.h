/* tables: what the viewer knows about each call, protocol and errno, as data. */
#ifndef SOCKLENS_TABLES_H
#define SOCKLENS_TABLES_H

#include <stdbool.h>
#include <stddef.h>

/* What a call does to the descriptor lanes. */
enum call_kind {
	CK_OTHER,
	CK_SOCKET,     /* new lane on fd */
	CK_SOCKETPAIR, /* new lanes on args.sv */
	CK_ACCEPT,     /* new lane on ret, the accepted connection */
	CK_DUP,	       /* new lane on ret, copied from fd */
	CK_FCNTL,      /* F_DUPFD* makes a new lane on ret like dup */
	CK_BIND,
	CK_CONNECT,
	CK_LISTEN,
	CK_SEND,
	CK_RECV,
	CK_SHUTDOWN,
	CK_CLOSE,
};

/* Drawing class: decides glyph priority and colour. Higher wins a shared cell. */
enum call_class {
	CL_OTHER,
	CL_DATA,
	CL_SETUP,
	CL_LIFE,
};

struct call_info {
	const char *name;
	char glyph;
	enum call_kind kind;
	enum call_class cls;
	int dir; /* +1 sends bytes (ret counts out), -1 receives, 0 neither */
};

/* The info for a call name; an "other" entry (never NULL) for names not in the table. */
const struct call_info *tables_call(const char *name, size_t len);
/* Index of a call in the table (stable within a run), for per-call arrays. */
size_t tables_call_index(const struct call_info *ci);
size_t tables_call_count(void);
const struct call_info *tables_call_at(size_t i);

/* "TCP", "UDP", "UNIX", "UNIX-DGRAM"… from socket()'s domain and type strings; NULL if unknown. */
const char *tables_proto(const char *domain, const char *type);

/* Errors a non-blocking program expects (EAGAIN, EINPROGRESS…): drawn as soft failures. */
bool tables_errno_soft(const char *name);

/* The legend line of the terminal view, built from the call table. */
const char *tables_legend(void);

#endif
