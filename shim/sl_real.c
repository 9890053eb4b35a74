/* Binding of the real libc functions listed in sl_real.h. */
#define _GNU_SOURCE
#include "sl_real.h"

#include <dlfcn.h>

#define SL_REAL_DEFINE(ret, name, params) ret(*sl_real_##name) params;
SL_REAL_FUNCS(SL_REAL_DEFINE)
#undef SL_REAL_DEFINE

void sl_real_resolve(void)
{
#define SL_REAL_BIND(ret, name, params) sl_real_##name = (ret(*) params)dlsym(RTLD_NEXT, #name);
	SL_REAL_FUNCS(SL_REAL_BIND)
#undef SL_REAL_BIND
}
