/* Checks a trace against the format contract with jansson: every line a JSON object with
 * the required keys and types, seq gapless per process, connect/accept ends matched.
 * Prints one line per problem and a summary; exits 1 if any problem was found. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXPROC 65536

/* Lines of several threads reach the file in any order: seq is checked as a set. */
struct proc {
	long long pid;
	long long *seqs;
	size_t n, cap;
};
static struct proc procs[MAXPROC];
static int nprocs;
static int problems;

static void problem(const char *file, long line, const char *what)
{
	if (problems++ < 20)
		printf("%s:%ld: %s\n", file, line, what);
}

static struct proc *proc_of(long long pid)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	if (nprocs == MAXPROC)
		return NULL;
	procs[nprocs].pid = pid;
	return &procs[nprocs++];
}

static int has(json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);
	return v && json_typeof(v) == type;
}

/* Connection ends: "ip:port>ip:port" strings of connects (local>addr) and accepts (peer>local). */
static char **ends[2];
static size_t nends[2];

static void addr_text(json_t *a, char *out, size_t size)
{
	snprintf(out, size, "%s:%lld", json_string_value(json_object_get(a, "ip")),
		 json_integer_value(json_object_get(a, "port")));
}

static void note_end(int kind, json_t *from, json_t *to)
{
	char a[128], b[128], both[300];
	if (!from || !to || !json_object_get(from, "ip") || !json_object_get(to, "ip"))
		return;
	addr_text(from, a, sizeof(a));
	addr_text(to, b, sizeof(b));
	snprintf(both, sizeof(both), "%s>%s", a, b);
	ends[kind] = realloc(ends[kind], (nends[kind] + 1) * sizeof(char *));
	ends[kind][nends[kind]++] = strdup(both);
}

static void check_line(const char *file, long n, json_t *o)
{
	static const char *const common[] = { "v", "pid", "tid", "seq", "ts_ns" };
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (!has(o, common[i], JSON_INTEGER)) {
			problem(file, n, "missing or mistyped common key");
			return;
		}
	const char *type = json_string_value(json_object_get(o, "type"));
	if (!type) {
		problem(file, n, "no type");
		return;
	}
	struct proc *p = proc_of(json_integer_value(json_object_get(o, "pid")));
	long long seq = json_integer_value(json_object_get(o, "seq"));
	if (p) {
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 64;
			p->seqs = realloc(p->seqs, p->cap * sizeof(long long));
		}
		p->seqs[p->n++] = seq;
	}
	if (strcmp(type, "proc") == 0) {
		if (!has(o, "ppid", JSON_INTEGER) || !has(o, "exe", JSON_STRING) ||
		    !has(o, "argv", JSON_ARRAY))
			problem(file, n, "proc line without ppid/exe/argv");
	} else if (strcmp(type, "exit") == 0) {
		if (!has(o, "status", JSON_INTEGER))
			problem(file, n, "exit line without status");
	} else if (strcmp(type, "call") == 0) {
		json_t *args = json_object_get(o, "args");
		long long ret = json_integer_value(json_object_get(o, "ret"));
		if (!has(o, "call", JSON_STRING) || !has(o, "fd", JSON_INTEGER) ||
		    !has(o, "ret", JSON_INTEGER) || !has(o, "dur_ns", JSON_INTEGER) ||
		    !json_is_object(args))
			problem(file, n, "call line without call/fd/ret/dur_ns/args");
		if ((ret < 0) != (json_object_get(o, "errno") != NULL))
			problem(file, n, "errno present iff the call failed: broken");
		const char *call = json_string_value(json_object_get(o, "call"));
		if (call && strcmp(call, "connect") == 0 && json_object_get(args, "local"))
			note_end(0, json_object_get(args, "local"), json_object_get(args, "addr"));
		if (call && strncmp(call, "accept", 6) == 0 && ret >= 0)
			note_end(1, json_object_get(args, "peer"), json_object_get(args, "local"));
	}
}

static int cmp_seq(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void check_seqs(void)
{
	for (int i = 0; i < nprocs; i++) {
		struct proc *p = &procs[i];
		if (p->n)
			qsort(p->seqs, p->n, sizeof(long long), cmp_seq);
		for (size_t k = 0; k < p->n; k++) {
			if (p->seqs[k] != (long long)k) {
				char what[128];
				snprintf(what, sizeof(what), "pid %lld: seq %lld where %zu was due (%s)",
					 p->pid, p->seqs[k], k,
					 p->seqs[k] < (long long)k ? "duplicate" : "gap");
				problem("seq", 0, what);
				break;
			}
		}
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	long total = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long n = 0;
		while ((len = getline(&line, &cap, f)) > 0) {
			n++;
			if (len == 1 && line[0] == '\n')
				continue; /* blank: readers skip them (trace-format.md, Framing) */
			json_error_t err;
			if (line[len - 1] != '\n')
				problem(argv[i], n, "line does not end in a newline (torn)");
			json_t *o = json_loadb(line, (size_t)len, 0, &err);
			if (!json_is_object(o)) {
				problem(argv[i], n, err.text);
			} else {
				check_line(argv[i], n, o);
				total++;
			}
			json_decref(o);
		}
		free(line);
		fclose(f);
	}
	check_seqs();
	/* Every connection seen from both sides: the same two addresses. */
	if (nends[0])
		qsort(ends[0], nends[0], sizeof(char *), cmp);
	size_t matched = 0;
	for (size_t i = 0; i < nends[1]; i++)
		if (nends[0] && bsearch(&ends[1][i], ends[0], nends[0], sizeof(char *), cmp))
			matched++;
	printf("lines %ld processes %d connects %zu accepts %zu matched %zu problems %d\n", total,
	       nprocs, nends[0], nends[1], matched, problems);
	return problems ? 1 : 0;
}
