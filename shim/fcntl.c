/* fcntl and fcntl64 (reported as fcntl) on sockets: the argument is taken with the type its
 * command defines, as glibc itself does, and decoded from a table by command. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>

#include "sl_core.h"

enum arg_kind {
	ARG_NONE,
	ARG_INT,
	ARG_FD_FLAGS,
	ARG_OPEN_FLAGS,
	ARG_SIGNAL,
	ARG_FLOCK,
	ARG_OWNER_EX
};

/* How each command's argument is passed, and how its result is decoded. */
static const struct fcntl_cmd {
	int cmd;
	enum arg_kind arg;
	enum arg_kind result; /* ARG_*_FLAGS: the return value decoded into ret_flags */
} fcntl_cmd_kinds[] = {
    {F_DUPFD, ARG_INT, ARG_NONE},	   {F_DUPFD_CLOEXEC, ARG_INT, ARG_NONE},
    {F_GETFD, ARG_NONE, ARG_FD_FLAGS},	   {F_SETFD, ARG_FD_FLAGS, ARG_NONE},
    {F_GETFL, ARG_NONE, ARG_OPEN_FLAGS},   {F_SETFL, ARG_OPEN_FLAGS, ARG_NONE},
    {F_GETOWN, ARG_NONE, ARG_NONE},	   {F_SETOWN, ARG_INT, ARG_NONE},
    {F_GETSIG, ARG_NONE, ARG_NONE},	   {F_SETSIG, ARG_SIGNAL, ARG_NONE},
    {F_GETLK, ARG_FLOCK, ARG_NONE},	   {F_SETLK, ARG_FLOCK, ARG_NONE},
    {F_SETLKW, ARG_FLOCK, ARG_NONE},	   {F_OFD_GETLK, ARG_FLOCK, ARG_NONE},
    {F_OFD_SETLK, ARG_FLOCK, ARG_NONE},	   {F_OFD_SETLKW, ARG_FLOCK, ARG_NONE},
    {F_GETOWN_EX, ARG_OWNER_EX, ARG_NONE}, {F_SETOWN_EX, ARG_OWNER_EX, ARG_NONE},
    {F_GETLEASE, ARG_NONE, ARG_NONE},	   {F_SETLEASE, ARG_INT, ARG_NONE},
    {F_NOTIFY, ARG_INT, ARG_NONE},	   {F_GETPIPE_SZ, ARG_NONE, ARG_NONE},
    {F_SETPIPE_SZ, ARG_INT, ARG_NONE},
};

static const struct fcntl_cmd *cmd_kind(int cmd)
{
	for (size_t i = 0; i < sizeof(fcntl_cmd_kinds) / sizeof(fcntl_cmd_kinds[0]); i++)
		if (fcntl_cmd_kinds[i].cmd == cmd)
			return &fcntl_cmd_kinds[i];
	return NULL;
}

static void kv_arg(struct sl_buf *b, const char *key, enum arg_kind kind, void *arg)
{
	int v = (int)(long)arg;
	switch (kind) {
	case ARG_NONE:
		break;
	case ARG_INT:
		sl_kv_int(b, key, v);
		break;
	case ARG_FD_FLAGS:
		sl_kv_flags(b, key, &fd_flags, (unsigned)v);
		break;
	case ARG_OPEN_FLAGS:
		sl_kv_open_flags(b, key, (unsigned)v);
		break;
	case ARG_SIGNAL:
		sl_kv_xlat(b, key, &signals, v);
		break;
	case ARG_FLOCK: {
		const struct flock *fl = arg;
		sl_obj_open(b, key);
		sl_kv_xlat(b, "type", &lock_types, fl->l_type);
		sl_kv_xlat(b, "whence", &whence_modes, fl->l_whence);
		sl_kv_int(b, "start", fl->l_start);
		sl_kv_int(b, "len", fl->l_len);
		sl_kv_int(b, "pid", fl->l_pid);
		sl_close(b);
		break;
	}
	case ARG_OWNER_EX: {
		const struct f_owner_ex *ow = arg;
		sl_obj_open(b, key);
		sl_kv_xlat(b, "type", &owner_types, ow->type);
		sl_kv_int(b, "pid", ow->pid);
		sl_close(b);
		break;
	}
	}
}

static int fcntl_traced(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	struct sl_call c;
	sl_begin(&c, SL_fcntl);
	bool traced = sl_cfg.on && sl_fd_is_socket(fd);
	int ret = real(fd, cmd, arg);
	sl_returned(&c);
	if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && ret >= 0)
		sl_fd_copy(fd, ret);
	if (traced && sl_line_begin(&c, fd, ret)) {
		const struct fcntl_cmd *k = cmd_kind(cmd);
		sl_kv_xlat(&c.b, "cmd", &fcntl_cmds, cmd);
		/* Pointer arguments are read only where the kernel could read them. */
		if (k && !(ret < 0 && c.err == EFAULT))
			kv_arg(&c.b, "arg", k->arg, arg);
		if (k && ret >= 0)
			kv_arg(&c.b, "ret_flags", k->result, (void *)(long)ret);
		sl_line_end(&c);
	}
	return (int)sl_done(&c, ret);
}

SL_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_traced(sl_real_fcntl, fd, cmd, arg);
}

SL_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	sl_ensure();
	if (!sl_real_fcntl64)
		return fcntl_traced(sl_real_fcntl, fd, cmd, arg);
	return fcntl_traced(sl_real_fcntl64, fd, cmd, arg);
}
