/* input: the first stage — whole lines out of a trace file, numbered, however it ends. */
#ifndef SOCKLENS_INPUT_H
#define SOCKLENS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum input_status {
	INPUT_EOF,
	INPUT_LINE, /* a line that ended in "\n" */
	INPUT_TORN, /* the last line of the file, with no "\n": a crash, or still being written */
	INPUT_TOOLONG, /* a line over INPUT_MAX_LINE, skipped */
	INPUT_ERROR,   /* read error; errno is set */
};

#define INPUT_MAX_LINE (16u << 20)

struct input {
	const char *name;
	int fd;
	int spool_fd; /* copy of a pipe's bytes, so a second pass can read them again */
	char *buf;
	size_t start, end, cap;
	uint64_t lineno;
	uint64_t offset; /* bytes handed out so far */
	uint64_t limit;	 /* second pass: stop where the first pass stopped */
	bool eof;
};

/* Opens a file ("-" is standard input); false with errno set on failure. */
bool input_open(struct input *in, const char *path, bool spool);
enum input_status input_next(struct input *in, const char **line, size_t *len);
/* Starts over at the first line, reading no further than the first pass did. */
bool input_rewind(struct input *in);
void input_close(struct input *in);

#endif
