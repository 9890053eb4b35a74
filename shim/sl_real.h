/* The libc functions socklens wraps, bound once with dlsym(RTLD_NEXT) so that it chains
 * with other preloaded libraries. Adding a call touches this one list. */
#ifndef SL_REAL_H
#define SL_REAL_H

#include <stdio.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define SL_REAL_FUNCS(X)                                                                         \
	X(int, socket, (int, int, int))                                                          \
	X(int, socketpair, (int, int, int, int *))                                               \
	X(int, bind, (int, const struct sockaddr *, socklen_t))                                  \
	X(int, connect, (int, const struct sockaddr *, socklen_t))                               \
	X(int, listen, (int, int))                                                               \
	X(int, accept, (int, struct sockaddr *, socklen_t *))                                    \
	X(int, accept4, (int, struct sockaddr *, socklen_t *, int))                              \
	X(ssize_t, send, (int, const void *, size_t, int))                                       \
	X(ssize_t, sendto, (int, const void *, size_t, int, const struct sockaddr *, socklen_t)) \
	X(ssize_t, sendmsg, (int, const struct msghdr *, int))                                   \
	X(ssize_t, recv, (int, void *, size_t, int))                                             \
	X(ssize_t, recvfrom, (int, void *, size_t, int, struct sockaddr *, socklen_t *))         \
	X(ssize_t, recvmsg, (int, struct msghdr *, int))                                         \
	X(ssize_t, __recv_chk, (int, void *, size_t, size_t, int))                               \
	X(ssize_t, __recvfrom_chk,                                                               \
	  (int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *))                    \
	X(int, shutdown, (int, int))                                                             \
	X(int, setsockopt, (int, int, int, const void *, socklen_t))                             \
	X(int, getsockopt, (int, int, int, void *, socklen_t *))                                 \
	X(int, fcntl, (int, int, ...))                                                           \
	X(int, fcntl64, (int, int, ...))                                                         \
	X(int, ioctl, (int, unsigned long, ...))                                                 \
	X(int, close, (int))                                                                     \
	X(int, fclose, (FILE *))                                                                 \
	X(int, close_range, (unsigned int, unsigned int, int))                                   \
	X(void, closefrom, (int))                                                                \
	X(int, dup, (int))                                                                       \
	X(int, dup2, (int, int))                                                                 \
	X(int, dup3, (int, int, int))                                                            \
	X(ssize_t, read, (int, void *, size_t))                                                  \
	X(ssize_t, __read_chk, (int, void *, size_t, size_t))                                    \
	X(ssize_t, write, (int, const void *, size_t))                                           \
	X(ssize_t, readv, (int, const struct iovec *, int))                                      \
	X(ssize_t, writev, (int, const struct iovec *, int))                                     \
	X(ssize_t, sendfile, (int, int, off_t *, size_t))                                        \
	X(ssize_t, sendfile64, (int, int, off64_t *, size_t)) \
	X(int, execve, (const char *, char *const[], char *const[]))                             \
	X(int, execvpe, (const char *, char *const[], char *const[]))                            \
	X(int, fexecve, (int, char *const[], char *const[]))

#define SL_REAL_DECLARE(ret, name, params) extern ret(*sl_real_##name) params;
SL_REAL_FUNCS(SL_REAL_DECLARE)
#undef SL_REAL_DECLARE

/* Binds every pointer; called once, before the first call is traced. */
void sl_real_resolve(void);

#endif
