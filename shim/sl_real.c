/* Binding of the real libc functions listed in sl_real.h. */
#define _GNU_SOURCE
#include "sl_real.h"

#include <dlfcn.h>

#define SL_REAL_DEFINE(ret, name, params) ret(*sl_real_##name) params;
SL_REAL_FUNCS(SL_REAL_DEFINE)
#undef SL_REAL_DEFINE

/* RTLD_NEXT finds the next definition after the shim, which chains with other preloaded
 * libraries. When libc itself was preloaded before the shim, there is none after it: the
 * definition is then taken from libc directly. */
static void *real_symbol(const char *name)
{
	void *sym = dlsym(RTLD_NEXT, name);
	if (!sym) {
		void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
		if (libc) {
			sym = dlsym(libc, name);
			dlclose(libc);
		}
	}
	return sym;
}

void sl_real_resolve(void)
{
#define SL_REAL_BIND(ret, name, params) sl_real_##name = (ret(*) params)real_symbol(#name);
	SL_REAL_FUNCS(SL_REAL_BIND)
#undef SL_REAL_BIND
}
