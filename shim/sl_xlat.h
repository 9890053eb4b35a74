/* Constant tables (strace's xlat idea) and their lookup, used to decode call arguments. */
#ifndef SL_XLAT_H
#define SL_XLAT_H

#include <stddef.h>

struct sl_xlat_entry {
	unsigned long val;
	const char *name;
};

struct sl_xlat {
	const struct sl_xlat_entry *e;
	size_t n;
};

#define XLAT(v)                        \
	{                              \
		(unsigned long)(v), #v \
	}
#define SL_XLAT_TABLE(name, ...)                                            \
	static const struct sl_xlat_entry name##_entries[] = {__VA_ARGS__}; \
	const struct sl_xlat name = {name##_entries,                        \
				     sizeof(name##_entries) / sizeof(name##_entries[0])}

const char *sl_xlat_name(const struct sl_xlat *x, unsigned long val);

extern const struct sl_xlat addrfams;
extern const struct sl_xlat socktypes;
extern const struct sl_xlat sock_type_flags;
extern const struct sl_xlat ipprotos;
extern const struct sl_xlat msg_flags;
extern const struct sl_xlat shutdown_modes;
extern const struct sl_xlat fcntl_cmds;
extern const struct sl_xlat open_access_modes;
extern const struct sl_xlat open_flags;
extern const struct sl_xlat fd_flags;
extern const struct sl_xlat lock_types;
extern const struct sl_xlat whence_modes;
extern const struct sl_xlat owner_types;
extern const struct sl_xlat ioctl_reqs;
extern const struct sl_xlat signals;
extern const struct sl_xlat sockopt_levels;
extern const struct sl_xlat sockopts_socket;
extern const struct sl_xlat sockopts_tcp;
extern const struct sl_xlat sockopts_ip;
extern const struct sl_xlat sockopts_ipv6;

const char *sl_errno_name(int err);

#endif
