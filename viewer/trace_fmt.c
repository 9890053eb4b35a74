/* trace_fmt: an event's arguments and backtrace as text, for the detail view and the HTML page. */
#include "trace.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void put(struct sbuf *sb, const char *s, size_t n, bool tty)
{
	if (tty)
		sb_put_tty(sb, s, n);
	else
		sb_put(sb, s, n);
}

void trace_format_addr(const struct trace_addr *a, struct sbuf *sb)
{
	switch (a->kind) {
	case ADDR_NONE:
		break;
	case ADDR_INET:
		sb_put(sb, a->host.p, a->host.n);
		sb_putc(sb, ':');
		sb_put_i64(sb, a->port);
		break;
	case ADDR_INET6:
		sb_putc(sb, '[');
		sb_put(sb, a->host.p, a->host.n);
		if (a->scope_id)
			sb_printf(sb, "%%%" PRId64, a->scope_id);
		sb_puts(sb, "]:");
		sb_put_i64(sb, a->port);
		break;
	case ADDR_UNIX_PATH:
		sb_put(sb, a->host.p, a->host.n);
		break;
	case ADDR_UNIX_ABSTRACT:
		sb_putc(sb, '@');
		sb_put(sb, a->host.p, a->host.n);
		break;
	case ADDR_UNIX_UNNAMED:
		sb_puts(sb, "(unnamed)");
		break;
	case ADDR_OTHER:
		if (a->family.p)
			sb_put(sb, a->family.p, a->family.n);
		else
			sb_puts(sb, "(address)");
		break;
	}
}

/* An ADDR object as text, read from JSON the same way trace.c reads it. */
static bool json_addr(json_t *o, struct sbuf *sb, bool tty)
{
	json_t *fam = json_object_get(o, "family");
	if (!json_is_string(fam) && !json_is_integer(fam))
		return false;
	json_t *ip = json_object_get(o, "ip"), *port = json_object_get(o, "port");
	json_t *path = json_object_get(o, "path");
	const char *f = json_is_string(fam) ? json_string_value(fam) : "";
	if (json_is_string(ip)) {
		bool v6 = strcmp(f, "AF_INET6") == 0;
		if (v6)
			sb_putc(sb, '[');
		put(sb, json_string_value(ip), json_string_length(ip), tty);
		json_t *scope = json_object_get(o, "scope_id");
		if (v6 && json_is_integer(scope) && json_integer_value(scope))
			sb_printf(sb, "%%%" PRId64, (int64_t)json_integer_value(scope));
		if (v6)
			sb_putc(sb, ']');
		if (json_is_integer(port))
			sb_printf(sb, ":%" PRId64, (int64_t)json_integer_value(port));
	} else if (json_is_true(json_object_get(o, "unnamed"))) {
		sb_puts(sb, "(unnamed)");
	} else if (json_is_string(path)) {
		if (json_is_true(json_object_get(o, "abstract")))
			sb_putc(sb, '@');
		put(sb, json_string_value(path), json_string_length(path), tty);
	} else if (json_is_string(fam)) {
		put(sb, f, strlen(f), tty);
	} else {
		sb_printf(sb, "family %" PRId64, (int64_t)json_integer_value(fam));
	}
	return true;
}

static void value(json_t *j, struct sbuf *sb, bool tty, const char *key)
{
	switch (json_typeof(j)) {
	case JSON_STRING:
		/* data is already escaped by the shim; quote it so its edges show. */
		if (key && strcmp(key, "data") == 0) {
			sb_putc(sb, '"');
			put(sb, json_string_value(j), json_string_length(j), tty);
			sb_putc(sb, '"');
		} else {
			put(sb, json_string_value(j), json_string_length(j), tty);
		}
		break;
	case JSON_OBJECT:
		/* an ADDR reads better as text; any other object as compact JSON */
		if (json_addr(j, sb, tty))
			break;
		__attribute__((fallthrough));
	default: {
		char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text) {
			put(sb, text, strlen(text), tty);
			free(text);
		}
	}
	}
}

void trace_format_args(const struct trace_event *ev, struct sbuf *sb, bool tty)
{
	if (!ev->args_json.p)
		return;
	json_t *args = json_loadb(ev->args_json.p, ev->args_json.n, JSON_ALLOW_NUL, NULL);
	if (!json_is_object(args)) {
		json_decref(args);
		return;
	}
	const char *key;
	json_t *v;
	bool first = true;
	json_object_foreach(args, key, v)
	{
		if (strcmp(key, "data_trunc") == 0)
			continue;
		if (!first)
			sb_puts(sb, ", ");
		first = false;
		put(sb, key, strlen(key), tty);
		sb_putc(sb, '=');
		value(v, sb, tty, key);
		if (strcmp(key, "data") == 0 && ev->data_trunc)
			sb_puts(sb, "...");
	}
	json_decref(args);
}

void trace_format_bt(const struct trace_event *ev, struct sbuf *sb, const char *indent, bool tty)
{
	if (!ev->bt_json.p)
		return;
	json_t *bt = json_loadb(ev->bt_json.p, ev->bt_json.n, JSON_ALLOW_NUL, NULL);
	size_t i;
	json_t *fr;
	json_array_foreach(bt, i, fr)
	{
		sb_printf(sb, "%s#%zu ", indent, i);
		if (!json_is_object(fr)) {
			value(fr, sb, tty, NULL);
			sb_putc(sb, '\n');
			continue;
		}
		static const char *const parts[] = {"ip", "sym", "off", "obj"};
		static const char *const before[] = {"", " ", "+", " in "};
		for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
			json_t *p = json_object_get(fr, parts[k]);
			if (!p)
				continue;
			sb_puts(sb, before[k]);
			value(p, sb, tty, NULL);
		}
		sb_putc(sb, '\n');
	}
	json_decref(bt);
}
