/* Call-site backtraces through libunwind (SOCKLENS_BT). Symbol lookup reads the program's
 * ELF tables, so this is off by default and documented as not strictly signal-safe. */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <stdint.h>

#include "sl_core.h"

/* The shim's own text, whose frames are left out of every backtrace. */
static uintptr_t self_lo, self_hi;

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t base = (uintptr_t)data;
	if (info->dlpi_addr != base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = base + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (!self_lo || lo < self_lo)
			self_lo = lo;
		if (hi > self_hi)
			self_hi = hi;
	}
	return 1;
}

void sl_bt_init(void)
{
	Dl_info info;
	if (dladdr((void *)sl_bt_init, &info) && info.dli_fbase)
		dl_iterate_phdr(find_self, info.dli_fbase);
}

void sl_bt_emit(struct sl_buf *b, int depth)
{
	unw_context_t ctx;
	unw_cursor_t cur;
	if (unw_getcontext(&ctx) != 0 || unw_init_local(&cur, &ctx) != 0)
		return;
	sl_arr_open(b, "bt");
	for (int n = 0; n < depth && unw_step(&cur) > 0;) {
		unw_word_t ip, off;
		char sym[256];
		Dl_info info;
		if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0)
			break;
		if (ip >= self_lo && ip < self_hi)
			continue;
		if (sl_buf_room(b) < 600) {
			sl_close(b);
			sl_kv_bool(b, "bt_trunc", true);
			return;
		}
		sl_obj_open(b, NULL);
		sl_kv_hex(b, "ip", ip);
		if (unw_get_proc_name(&cur, sym, sizeof(sym), &off) == 0) {
			sl_kv_str(b, "sym", sym);
			sl_kv_uint(b, "off", off);
		}
		if (dladdr((void *)ip, &info) && info.dli_fname && info.dli_fname[0])
			sl_kv_str(b, "obj", info.dli_fname);
		sl_close(b);
		n++;
	}
	sl_close(b);
}
