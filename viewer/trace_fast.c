/*
 * trace_fast: the hot path of the trace stage — a one-pass, strict JSON scanner that checks
 * every byte against the grammar and reads the keys the viewer knows as it meets them, with
 * no token array and no second walk. It first tokenized with jsmn, but jsmn alone costs
 * ~0.6 us per 200-byte line here, more than the whole budget for 1M events/s
 * (docs/performance.md). Whatever this path is not certain about (\u escapes, non-ASCII or
 * control bytes, real numbers, integers past int64, duplicate keys, any error at all) it hands
 * back, and trace_parse asks jansson: both paths accept, reject and read lines identically,
 * and the golden tests run every case through both.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32
/* Keys of one nested object compared for duplicates; an object with more goes to jansson. */
#define MAX_KEYS 32

static const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;

/* Eight bytes as one integer, the first in the lowest byte, whatever the machine's order. */
static inline uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* The first n bytes (at most 8) of a word from load8. */
static inline uint64_t first_bytes(uint64_t w, size_t n)
{
	return n >= 8 ? w : w & (((uint64_t)1 << (8 * n)) - 1);
}

enum vtype { V_OBJECT = 1, V_ARRAY, V_STRING, V_INT, V_TRUE, V_FALSE, V_NULL };

/* A scanned value: where it is, and what it holds when that is a scalar. */
struct val {
	enum vtype type;
	bool esc;	   /* a string with a backslash: decoded when read */
	uint32_t count;	   /* arrays: elements */
	const char *p, *e; /* strings: the bytes between the quotes; others: the value's text */
	int64_t i;	   /* V_INT */
};

/* The line's NUL terminator (TRACE_PAD) ends every run: no test of the length is needed. */
struct scan {
	const char *p;
};

/*
 * A key of a known object. w holds its first 8 bytes, so that comparing a key read from the
 * line costs one comparison; nested > 0 says that an object value is read with keys of its own
 * (args, and the addresses inside args), into obj->nested[nested - 1].
 */
struct key {
	const char *s;
	size_t n;
	int nested;
	uint64_t w;
	uint64_t text[2], mask[2]; /* the key, its closing quote and ':', as read by load8 */
};

/* Keys found by one multiplication: slot[(w * mul) >> 58] is the only candidate. */
struct keyset {
	struct key *k;
	int n;
	int id; /* its row in follows */
	uint64_t mul;
	int8_t slot[64];
};

/* The most keys a set has (the top level's): one bit each in obj.seen. */
#define MAX_KNOWN 18

/* The values of one object's known keys, valid where their bit is set in seen. */
struct obj {
	const struct keyset *ks;
	struct obj *nested;
	uint32_t seen;
	struct val v[MAX_KNOWN];
};

static inline bool seen(const struct obj *o, int k)
{
	return (o->seen >> k) & 1;
}

static inline bool has(const struct obj *o, int k, enum vtype t)
{
	return seen(o, k) && o->v[k].type == t;
}

static inline bool key_same(uint64_t w1, const char *s1, size_t n1, uint64_t w2, const char *s2,
			    size_t n2)
{
	return w1 == w2 && n1 == n2 && (n1 <= 8 || memcmp(s1 + 8, s2 + 8, n1 - 8) == 0);
}

/* Which known key this is, or -1. */
static inline int key_find(const struct keyset *ks, const char *s, size_t n, uint64_t w)
{
	int k = ks->slot[(w * ks->mul) >> 58];
	return k >= 0 && key_same(ks->k[k].w, ks->k[k].s, ks->k[k].n, w, s, n) ? k : -1;
}

static inline void ws(struct scan *s)
{
	/* Only ' ': tab, CR and LF fail the grammar and go to jansson, like any control byte. */
	while (*s->p == ' ')
		s->p++;
}

/* Whether the next token starts with c. The shim writes no blanks: they are looked for only
 * when c is not there. */
static inline bool next_is(struct scan *s, char c)
{
	if (*s->p == c)
		return true;
	ws(s);
	return *s->p == c;
}

static inline bool is_escape(char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return true;
	default:
		return false;
	}
}

/*
 * The bytes of w that end a plain run of string bytes: '"', '\\', a control byte (the line's
 * NUL terminator among them) or a non-ASCII one (whose UTF-8 validity jansson judges), as the
 * high bit of each. A test may also flag bytes above a true hit (borrows run upwards), never
 * below one, so the lowest flagged byte is exact.
 */
static inline uint64_t string_stops(uint64_t w)
{
	const uint64_t a = w ^ (ones * '"'), b = w ^ (ones * '\\');
	return (((a - ones) & ~a) | ((b - ones) & ~b) | (w - ones * ' ') | w) & high;
}

/* A string after its opening quote, eight bytes at a time; escapes limited to the short list
 * (no \u). */
static inline bool scan_string(struct scan *s, struct val *v)
{
	const char *p = s->p;
	v->type = V_STRING;
	v->p = p;
	v->esc = false;
	for (;;) {
		uint64_t hit;
		while (!(hit = string_stops(load8(p))))
			p += 8;
		p += __builtin_ctzll(hit) / 8;
		if (*p == '"')
			break;
		if (*p != '\\' || !is_escape(p[1]))
			return false;
		v->esc = true;
		p += 2;
	}
	v->e = p;
	s->p = p + 1;
	return true;
}

/* How many of the 8 bytes in w, from the first, are ASCII digits. */
static inline unsigned leading_digits(uint64_t w)
{
	/* a digit byte becomes 0x33 (both nibble tests pass); a byte of 0xFA or more carries into
	 * the next one, but it is no digit itself, so the count stops before what it changed */
	uint64_t t = (w & (ones * 0xF0)) | (((w + ones * 0x06) & (ones * 0xF0)) >> 4);
	uint64_t x = t ^ (ones * 0x33);
	uint64_t nonzero = (((x & ~high) + ~high) | x) & high;
	return nonzero ? (unsigned)__builtin_ctzll(nonzero) / 8 : 8;
}

/* Eight digit values, the first in the lowest byte, as one number (Lemire's SWAR). */
static inline uint64_t eight_digits(uint64_t w)
{
	w = w * 10 + (w >> 8);
	return (((w & 0x000000FF000000FFu) * 0x000F424000000064u) +
		(((w >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >>
	       32;
}

/* The digits of an integer after its first eight (timestamps have 19), eight at a time. */
static bool long_int(const char **pp, uint64_t *u)
{
	static const uint64_t pow10[9] = {1,	  10,	   100,	     1000,     10000,
					  100000, 1000000, 10000000, 100000000};
	const char *p = *pp, *d0 = p - 8;
	unsigned n;
	do {
		uint64_t w = load8(p);
		n = leading_digits(w);
		if (n)
			*u = *u * pow10[n] + eight_digits((w - ones * '0') << (8 * (8 - n)));
		p += n;
	} while (n == 8 && p - d0 <= 19);
	*pp = p;
	/* 19 digits always fit in uint64_t, so the int64_t limit is one comparison */
	return p - d0 <= 19 && *u <= INT64_MAX;
}

/*
 * Integers only, within int64_t. The run of digits in a word is measured, moved to the top (as
 * leading zeros below it) and converted in one go: most numbers take one word. A fraction or
 * exponent is jansson's to read: '.', 'e' or 'E' after the digits fails the test for what
 * follows a value, in the caller.
 */
static inline bool scan_int(struct scan *s, struct val *v)
{
	const char *p = s->p;
	bool neg = *p == '-';
	p += neg;
	if (*p == '0' && (unsigned char)(p[1] - '0') < 10) /* a leading zero */
		return false;
	uint64_t w = load8(p);
	unsigned n = leading_digits(w);
	if (!n)
		return false;
	uint64_t u = eight_digits((w - ones * '0') << (8 * (8 - n)));
	p += n;
	if (n == 8 && !long_int(&p, &u))
		return false;
	v->type = V_INT;
	v->p = s->p;
	v->e = p;
	v->i = neg ? -(int64_t)u : (int64_t)u;
	s->p = p;
	return true;
}

static bool scan_compound(struct scan *s, int depth, struct obj *o, struct val *v);

/* One value at s->p; o receives an object's known keys. Inlined in the loops over members and
 * elements: the scalars, most values, then cost no call. */
__attribute__((always_inline)) static inline bool scan_value(struct scan *s, int depth,
							      struct obj *o, struct val *v)
{
	char c = *s->p;
	if (c == '"') {
		s->p++;
		return scan_string(s, v);
	}
	if (c == '-' || (unsigned char)(c - '0') < 10)
		return scan_int(s, v);
	return scan_compound(s, depth, o, v);
}

/*
 * A key at its opening quote, and its ':'. Most keys are short and plain: one word holds the
 * whole key and its closing quote.
 */
static inline bool scan_key(struct scan *s, struct val *key, uint64_t *w)
{
	const char *p = ++s->p;
	uint64_t word = load8(p), hit = string_stops(word);
	size_t n = hit ? (size_t)__builtin_ctzll(hit) / 8 : 8;
	if (n < 8 && p[n] == '"') {
		key->p = p;
		key->e = p + n;
		key->esc = false;
		s->p = p + n + 1;
	} else if (!scan_string(s, key)) {
		return false;
	}
	*w = first_bytes(word, (size_t)(key->e - key->p));
	if (!next_is(s, ':'))
		return false;
	s->p++;
	return true;
}

/*
 * The known key that followed each known key the last time (and, in the last column, the one
 * that came first), per set: lines of one kind write their keys in the same order, so the
 * key expected next is compared in one or two words before any key is scanned and looked up.
 * Per thread, since reading threads share the sets; only a guess, so it starts anywhere.
 */
enum { SET_ADDR, SET_ARGS, SET_ROOT, NSETS };
static _Thread_local int8_t follows[NSETS][MAX_KNOWN + 1];

/* Whether known key k is at p (after the opening quote), directly followed by ':'. */
static inline bool key_at(const struct key *k, const char *p)
{
	/* The second word is read only after the first matched eight bytes of the key, none of
	 * them the line's NUL: it ends within TRACE_PAD. */
	return (load8(p) & k->mask[0]) == k->text[0] &&
	       (k->n + 2 <= 8 || (load8(p + 8) & k->mask[1]) == k->text[1]);
}

/*
 * An object at '{'. With o, its known keys' values are kept in o (a known key given twice is
 * jansson's: it keeps the last one). Below the top level every key is checked against the
 * others, and a key with an escape goes to jansson, so that the canonical text (canon) can be
 * the object's own text, as jansson would write it.
 */
static bool scan_object(struct scan *s, int depth, struct obj *o, struct val *v)
{
	/* Keys of no known slot, to find duplicates (a known key's twin is found by its bit). */
	struct {
		const char *s;
		size_t n;
		uint64_t w;
	} keys[MAX_KEYS];
	int nkeys = 0, nother = 0, prev = MAX_KNOWN;
	int8_t *next_known = o ? follows[o->ks->id] : NULL;
	v->type = V_OBJECT;
	v->p = s->p++;
	if (o)
		o->seen = 0;
	if (next_is(s, '}')) {
		v->e = ++s->p;
		return true;
	}
	for (;;) {
		if (!next_is(s, '"') || (depth > 0 && nkeys++ == MAX_KEYS))
			return false;
		int k = -1;
		if (o && key_at(&o->ks->k[next_known[prev]], s->p + 1)) {
			k = next_known[prev];
			s->p += o->ks->k[k].n + 3;
		} else {
			struct val key;
			uint64_t w;
			if (!scan_key(s, &key, &w))
				return false;
			size_t n = (size_t)(key.e - key.p);
			k = o ? key_find(o->ks, key.p, n, w) : -1;
			if (depth > 0 && k < 0) {
				if (key.esc)
					return false;
				for (int i = 0; i < nother; i++)
					if (key_same(keys[i].w, keys[i].s, keys[i].n, w, key.p, n))
						return false;
				keys[nother].s = key.p;
				keys[nother].n = n;
				keys[nother].w = w;
				nother++;
			}
		}
		struct val other, *dst = &other;
		struct obj *nested = NULL;
		if (k >= 0) {
			if (seen(o, k))
				return false;
			o->seen |= 1u << k;
			next_known[prev] = (int8_t)k;
			prev = k;
			dst = &o->v[k];
			if (o->ks->k[k].nested)
				nested = &o->nested[o->ks->k[k].nested - 1];
		}
		if (!scan_value(s, depth + 1, nested, dst))
			return false;
		if (next_is(s, ',')) {
			s->p++;
			continue;
		}
		if (!next_is(s, '}'))
			return false;
		v->e = ++s->p;
		return true;
	}
}

static bool scan_array(struct scan *s, int depth, struct val *v)
{
	v->type = V_ARRAY;
	v->p = s->p++;
	v->count = 0;
	if (next_is(s, ']')) {
		v->e = ++s->p;
		return true;
	}
	for (;;) {
		struct val el;
		ws(s);
		if (!scan_value(s, depth + 1, NULL, &el))
			return false;
		v->count++;
		if (next_is(s, ',')) {
			s->p++;
			continue;
		}
		if (!next_is(s, ']'))
			return false;
		v->e = ++s->p;
		return true;
	}
}

/* Objects, arrays and literals (and blanks before a value): what scan_value does not read
 * itself. */
static bool scan_compound(struct scan *s, int depth, struct obj *o, struct val *v)
{
	char c = *s->p;
	if (c == ' ') {
		ws(s);
		return scan_value(s, depth, o, v);
	}
	if (depth > MAX_DEPTH)
		return false;
	if (c == '{')
		return scan_object(s, depth, o, v);
	if (c == '[')
		return scan_array(s, depth, v);
	static const struct {
		const char *text;
		size_t n;
		enum vtype type;
	} lits[] = {{"true", 4, V_TRUE}, {"false", 5, V_FALSE}, {"null", 4, V_NULL}};
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		/* no literal holds a NUL, so a match never runs past the line's end */
		if (c != lits[i].text[0] || memcmp(s->p, lits[i].text, lits[i].n) != 0)
			continue;
		v->type = lits[i].type;
		v->p = s->p;
		s->p += lits[i].n;
		v->e = s->p;
		return true;
	}
	return false;
}

/* The elements of an array already scanned, one by one (argv, sv). */
struct elems {
	struct scan s;
	int depth;
};

static struct elems elems_of(const struct val *arr, int depth)
{
	struct elems it = {{arr->p + 1}, depth + 1};
	return it;
}

static void elem_next(struct elems *it, struct val *v)
{
	scan_value(&it->s, it->depth, NULL, v); /* scanned before: cannot fail */
	ws(&it->s);
	if (*it->s.p == ',')
		it->s.p++;
}

/* Decoded string; only the escapes scan_string allowed can occur. */
static struct trace_str str_of(const struct val *v, struct arena *a)
{
	struct trace_str out = {v->p, (size_t)(v->e - v->p)};
	if (!v->esc)
		return out;
	char *d = arena_alloc(a, out.n + 1);
	size_t o = 0;
	for (const char *s = v->p; s < v->e; s++) {
		char c = *s;
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			c = to[strchr(from, *++s) - from];
		}
		d[o++] = c;
	}
	d[o] = '\0';
	out.p = d;
	out.n = o;
	return out;
}

/* A string key's value, or the absent string for a missing key or another type. */
static void get_str(const struct obj *o, int k, struct trace_str *out, struct arena *a)
{
	if (has(o, k, V_STRING))
		*out = str_of(&o->v[k], a);
}

static void get_int(const struct obj *o, int k, int64_t *out)
{
	if (has(o, k, V_INT))
		*out = o->v[k].i;
}

/* An optional integer key: absent is fine, any other type is jansson's to report. */
static bool opt_int(const struct obj *o, int k, int64_t *out)
{
	if (!seen(o, k))
		return true;
	if (o->v[k].type != V_INT)
		return false;
	*out = o->v[k].i;
	return true;
}

/* A required integer key. */
static bool req_int(const struct obj *o, int k, int64_t *out)
{
	return seen(o, k) && opt_int(o, k, out);
}

/*
 * A value as compact JSON written exactly as jansson's json_dumps(JSON_COMPACT) would write
 * it, so that what export and the detail views show does not depend on the path. The scan
 * has ruled out what would differ beyond this (escaped or duplicate keys, \u, reals), so
 * the text is the value's own, less the blanks between tokens, with "\/" as "/" and "-0"
 * as "0".
 */
static struct trace_str canon(const struct val *v, struct arena *a)
{
	size_t n = (size_t)(v->e - v->p);
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	bool in_str = false;
	for (const char *s = v->p; s < v->e; s++) {
		char c = *s;
		if (in_str) {
			if (c == '\\') {
				if (s[1] != '/')
					out[o++] = c;
				c = *++s;
			} else if (c == '"') {
				in_str = false;
			}
		} else if (c == ' ') {
			continue;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '-' && s[1] == '0') {
			continue;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	struct trace_str r = {out, o};
	return r;
}

/* ---- the keys the viewer reads ---- */

/* A key, its quote and ':' must fit the two words key_at compares: a longer one fails to
 * compile (an array of negative size). */
#define KEY_LEN(name)     (sizeof(name) - 1 + 0 * sizeof(char[sizeof(name) + 1 <= 16 ? 1 : -1]))
#define KEY(name)         {name, KEY_LEN(name), 0, 0, {0}, {0}}
#define NESTED(name, obj) {name, KEY_LEN(name), obj, 0, {0}, {0}}

enum { A_FAMILY, A_IP, A_PORT, A_SCOPE, A_PATH, A_UNNAMED, A_ABSTRACT, A_N };
static struct key addr_keys[A_N] = {
    [A_FAMILY] = KEY("family"),	    [A_IP] = KEY("ip"),	    [A_PORT] = KEY("port"),
    [A_SCOPE] = KEY("scope_id"),    [A_PATH] = KEY("path"), [A_UNNAMED] = KEY("unnamed"),
    [A_ABSTRACT] = KEY("abstract"),
};
static struct keyset addr_set = {addr_keys, A_N, SET_ADDR, 0, {0}};

/* protocol, flags and data are not read: known only so that the key after them is expected. */
enum {
	G_DOMAIN,
	G_TYPE,
	G_PROTOCOL,
	G_FLAGS,
	G_DATA,
	G_CMD,
	G_LEN,
	G_TRUNC,
	G_NEWFD,
	G_BACKLOG,
	G_SV,
	G_ADDR,
	G_LOCAL,
	G_PEER,
	G_N
};
static struct key arg_keys[G_N] = {
    [G_DOMAIN] = KEY("domain"),	   [G_TYPE] = KEY("type"),	 [G_PROTOCOL] = KEY("protocol"),
    [G_FLAGS] = KEY("flags"),	   [G_DATA] = KEY("data"),	 [G_CMD] = KEY("cmd"),
    [G_LEN] = KEY("len"),	   [G_TRUNC] = KEY("data_trunc"), [G_NEWFD] = KEY("newfd"),
    [G_BACKLOG] = KEY("backlog"),  [G_SV] = KEY("sv"),		 [G_ADDR] = NESTED("addr", 1),
    [G_LOCAL] = NESTED("local", 2),   [G_PEER] = NESTED("peer", 3),
};
static struct keyset arg_set = {arg_keys, G_N, SET_ARGS, 0, {0}};

/* In the order the shim writes them: call lines, then proc and exit lines' own keys. */
enum {
	R_V,
	R_TYPE,
	R_PID,
	R_TID,
	R_SEQ,
	R_TS,
	R_CALL,
	R_FD,
	R_RET,
	R_ERRNO,
	R_DUR,
	R_ARGS,
	R_BT,
	R_PPID,
	R_EXE,
	R_ARGV,
	R_FORK_OF,
	R_STATUS,
	R_N
};
static struct key root_keys[R_N] = {
    [R_V] = KEY("v"),	       [R_TYPE] = KEY("type"),	 [R_PID] = KEY("pid"),
    [R_TID] = KEY("tid"),      [R_SEQ] = KEY("seq"),	 [R_TS] = KEY("ts_ns"),
    [R_CALL] = KEY("call"),    [R_FD] = KEY("fd"),	 [R_RET] = KEY("ret"),
    [R_ERRNO] = KEY("errno"),  [R_DUR] = KEY("dur_ns"),	 [R_ARGS] = NESTED("args", 1),
    [R_BT] = KEY("bt"),	       [R_PPID] = KEY("ppid"),	 [R_EXE] = KEY("exe"),
    [R_ARGV] = KEY("argv"),    [R_FORK_OF] = KEY("fork_of"), [R_STATUS] = KEY("status"),
};
static struct keyset root_set = {root_keys, R_N, SET_ROOT, 0, {0}};
_Static_assert(R_N <= MAX_KNOWN && G_N <= MAX_KNOWN && A_N <= MAX_KNOWN && MAX_KNOWN <= 32,
	       "every known key needs a value and a bit in struct obj");

/*
 * Each key's first word, and a multiplier that sends every key of a set to a slot of its own
 * (the first that does in a fixed pseudo-random sequence: a few tries, the same every run). Computed before main,
 * so the tables are only read from then on, by as many reading threads as there are.
 */
__attribute__((constructor)) static void keys_init(void)
{
	struct keyset *sets[] = {&addr_set, &arg_set, &root_set};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct keyset *ks = sets[i];
		for (int k = 0; k < ks->n; k++) {
			struct key *key = &ks->k[k];
			char text[16] = {0};
			memcpy(text, key->s, key->n);
			text[key->n] = '"';
			text[key->n + 1] = ':';
			key->w = first_bytes(load8(text), key->n);
			size_t len = key->n + 2;
			key->text[0] = load8(text);
			key->text[1] = load8(text + 8);
			key->mask[0] = first_bytes(~(uint64_t)0, len);
			key->mask[1] = len > 8 ? first_bytes(~(uint64_t)0, len - 8) : 0;
		}
		for (ks->mul = 0x9E3779B97F4A7C15u;;
		     ks->mul = (ks->mul * 6364136223846793005u + 1442695040888963407u) | 1) {
			memset(ks->slot, -1, sizeof(ks->slot));
			int k = 0;
			while (k < ks->n && ks->slot[(ks->k[k].w * ks->mul) >> 58] < 0) {
				ks->slot[(ks->k[k].w * ks->mul) >> 58] = (int8_t)k;
				k++;
			}
			if (k == ks->n)
				break;
		}
	}
}

/* ---- from the scanned values to the event: the same decisions as trace.c ---- */

/* Same decisions, in the same order, as arg_addr in trace.c. */
static void read_addr(const struct obj *args, int k, const struct obj *o, struct trace_addr *ad,
		      struct arena *a)
{
	if (!has(args, k, V_OBJECT))
		return;
	if (has(o, A_FAMILY, V_STRING)) {
		ad->family = str_of(&o->v[A_FAMILY], a);
	} else if (has(o, A_FAMILY, V_INT)) {
		char *p = arena_alloc(a, 24);
		ad->family.n = (size_t)snprintf(p, 24, "%" PRId64, o->v[A_FAMILY].i);
		ad->family.p = p;
	}
	struct trace_str path = {NULL, 0};
	get_str(o, A_IP, &ad->host, a);
	get_int(o, A_PORT, &ad->port);
	get_int(o, A_SCOPE, &ad->scope_id);
	get_str(o, A_PATH, &path, a);
	bool is_unix = trace_str_eq(ad->family, "AF_UNIX");
	if (trace_str_eq(ad->family, "AF_INET") && ad->host.p) {
		ad->kind = ADDR_INET;
	} else if (trace_str_eq(ad->family, "AF_INET6") && ad->host.p) {
		ad->kind = ADDR_INET6;
	} else if (is_unix && has(o, A_UNNAMED, V_TRUE)) {
		ad->kind = ADDR_UNIX_UNNAMED;
	} else if (is_unix && path.p) {
		ad->host = path;
		ad->kind = has(o, A_ABSTRACT, V_TRUE) ? ADDR_UNIX_ABSTRACT : ADDR_UNIX_PATH;
	} else {
		ad->kind = ADDR_OTHER;
		ad->host.p = NULL;
		ad->host.n = 0;
	}
}

static bool read_call(const struct obj *r, const struct obj *g, const struct obj *addrs,
		      struct trace_event *ev, struct arena *a)
{
	if (!has(r, R_CALL, V_STRING) || !req_int(r, R_FD, &ev->fd) ||
	    !req_int(r, R_RET, &ev->ret) || !opt_int(r, R_DUR, &ev->dur_ns))
		return false;
	ev->call = str_of(&r->v[R_CALL], a);
	if (seen(r, R_ERRNO) && r->v[R_ERRNO].type != V_STRING)
		return false;
	get_str(r, R_ERRNO, &ev->err, a);
	ev->failed = ev->err.p != NULL;
	if (seen(r, R_BT)) {
		if (r->v[R_BT].type != V_ARRAY)
			return false;
		if (trace_keep_json)
			ev->bt_json = canon(&r->v[R_BT], a);
	}
	ev->ci = tables_call(ev->call.p, ev->call.n);
	if (!seen(r, R_ARGS))
		return true;
	if (r->v[R_ARGS].type != V_OBJECT)
		return false;
	if (trace_keep_json)
		ev->args_json = canon(&r->v[R_ARGS], a);
	/* args are read on a best-effort basis: a value of another type counts as absent. */
	get_str(g, G_DOMAIN, &ev->domain, a);
	get_str(g, G_TYPE, &ev->socktype, a);
	get_str(g, G_CMD, &ev->cmd, a);
	ev->data_trunc = has(g, G_TRUNC, V_TRUE);
	get_int(g, G_LEN, &ev->len);
	get_int(g, G_NEWFD, &ev->newfd);
	get_int(g, G_BACKLOG, &ev->backlog);
	if (has(g, G_SV, V_ARRAY) && g->v[G_SV].count == 2) {
		struct elems it = elems_of(&g->v[G_SV], 2);
		struct val x, y;
		elem_next(&it, &x);
		elem_next(&it, &y);
		if (x.type == V_INT && y.type == V_INT) {
			ev->sv[0] = x.i;
			ev->sv[1] = y.i;
		}
	}
	read_addr(g, G_ADDR, &addrs[0], &ev->addr, a);
	read_addr(g, G_LOCAL, &addrs[1], &ev->local, a);
	read_addr(g, G_PEER, &addrs[2], &ev->peer, a);
	return true;
}

static bool read_proc(const struct obj *r, struct trace_event *ev, struct arena *a)
{
	if (!opt_int(r, R_PPID, &ev->ppid) || !opt_int(r, R_FORK_OF, &ev->fork_of))
		return false;
	if (seen(r, R_EXE) && r->v[R_EXE].type != V_STRING)
		return false;
	get_str(r, R_EXE, &ev->exe, a);
	if (!seen(r, R_ARGV))
		return true;
	if (r->v[R_ARGV].type != V_ARRAY)
		return false;
	uint32_t n = r->v[R_ARGV].count;
	ev->argv = arena_alloc(a, (size_t)(n ? n : 1) * sizeof(*ev->argv));
	struct elems it = elems_of(&r->v[R_ARGV], 1);
	for (uint32_t i = 0; i < n; i++) {
		struct val el;
		elem_next(&it, &el);
		if (el.type == V_STRING) /* elements of another type are ignored */
			ev->argv[ev->argc++] = str_of(&el, a);
	}
	return true;
}

bool trace_parse_fast(const char *line, size_t len, struct trace_event *ev, struct arena *a)
{
	/* Only the objects' bookkeeping is set here: their values are written as keys are met. */
	struct obj root, args, addrs[3];
	root.ks = &root_set;
	root.nested = &args;
	args.ks = &arg_set;
	args.nested = addrs;
	for (int i = 0; i < 3; i++) {
		addrs[i].ks = &addr_set;
		addrs[i].nested = NULL;
	}
	struct scan s = {line};
	struct val top;
	/* The whole line must be exactly one object. */
	ws(&s);
	if (*s.p != '{' || !scan_value(&s, 0, &root, &top))
		return false;
	ws(&s);
	if (s.p != line + len)
		return false;
	trace_event_clear(ev);
	if (!has(&root, R_V, V_INT) || root.v[R_V].i != 1 || !has(&root, R_TYPE, V_STRING))
		return false;
	/* an escaped byte is none of these names' letters: such a type is unknown */
	const struct val *type = &root.v[R_TYPE];
	size_t tn = (size_t)(type->e - type->p);
	if (tn == 4 && memcmp(type->p, "call", 4) == 0)
		ev->type = TRACE_CALL;
	else if (tn == 4 && memcmp(type->p, "proc", 4) == 0)
		ev->type = TRACE_PROC;
	else if (tn == 4 && memcmp(type->p, "exit", 4) == 0)
		ev->type = TRACE_EXIT;
	else
		return true; /* TRACE_SKIP */
	if (!req_int(&root, R_PID, &ev->pid) || !req_int(&root, R_TS, &ev->ts_ns) ||
	    !opt_int(&root, R_TID, &ev->tid) || !opt_int(&root, R_SEQ, &ev->seq))
		return false;
	switch (ev->type) {
	case TRACE_CALL:
		return read_call(&root, &args, addrs, ev, a);
	case TRACE_PROC:
		return read_proc(&root, ev, a);
	case TRACE_EXIT:
		return opt_int(&root, R_STATUS, &ev->status);
	case TRACE_SKIP:
		break;
	}
	return true;
}
