/* input: the first stage — whole lines out of a trace file, numbered, however it ends. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256u << 10)

bool input_open(struct input *in, const char *path, bool spool)
{
	memset(in, 0, sizeof(*in));
	in->name = path;
	in->spool_fd = -1;
	in->limit = UINT64_MAX;
	in->fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return false;
	struct stat st;
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(in->fd);
		errno = EISDIR;
		return false;
	}
	/* A pipe cannot be read twice; keep what we read in an unlinked temporary file. */
	if (spool && (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		const char *dir = getenv("TMPDIR");
		in->spool_fd =
		    open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (in->spool_fd < 0) {
			close(in->fd);
			return false;
		}
	}
	in->cap = CHUNK;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		close(in->fd);
		errno = ENOMEM;
		return false;
	}
	return true;
}

static bool spool_write(struct input *in, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(in->spool_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Reads more bytes after in->end; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t fill(struct input *in)
{
	if (in->start > 0 && in->start == in->end) {
		in->start = in->end = 0;
	} else if (in->end == in->cap && in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		char *p = realloc(in->buf, in->cap * 2);
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		in->buf = p;
		in->cap *= 2;
	}
	size_t want = in->cap - in->end;
	uint64_t buffered = in->offset + (in->end - in->start);
	if (in->limit != UINT64_MAX && want > in->limit - buffered)
		want = (size_t)(in->limit - buffered);
	if (want == 0)
		return 0;
	ssize_t r;
	do
		r = read(in->fd, in->buf + in->end, want);
	while (r < 0 && errno == EINTR);
	if (r > 0 && in->spool_fd >= 0 && !spool_write(in, in->buf + in->end, (size_t)r))
		return -1;
	if (r > 0)
		in->end += (size_t)r;
	return r;
}

enum input_status input_next(struct input *in, const char **line, size_t *len)
{
	size_t scan = in->start;
	bool toolong = false;
	for (;;) {
		char *nl = memchr(in->buf + scan, '\n', in->end - scan);
		if (nl) {
			size_t n = (size_t)(nl - (in->buf + in->start));
			*line = in->buf + in->start;
			*len = n;
			in->start += n + 1;
			in->offset += n + 1;
			in->lineno++;
			return toolong ? INPUT_TOOLONG : INPUT_LINE;
		}
		if (in->end - in->start >= INPUT_MAX_LINE) {
			/* Drop the overlong head but keep counting it as the same line. */
			in->offset += in->end - in->start;
			in->start = in->end = 0;
			toolong = true;
		}
		scan = in->end - in->start;
		if (in->eof)
			break;
		ssize_t r = fill(in);
		if (r < 0)
			return INPUT_ERROR;
		if (r == 0)
			in->eof = true;
		scan += in->start;
	}
	if (in->end == in->start && !toolong)
		return INPUT_EOF;
	*line = in->buf + in->start;
	*len = in->end - in->start;
	in->offset += *len;
	in->start = in->end;
	in->lineno++;
	return toolong ? INPUT_TOOLONG : INPUT_TORN;
}

bool input_rewind(struct input *in)
{
	in->limit = in->offset;
	in->offset = 0;
	in->lineno = 0;
	in->start = in->end = 0;
	in->eof = false;
	if (in->spool_fd >= 0) {
		close(in->fd);
		in->fd = in->spool_fd;
		in->spool_fd = -1;
	}
	return lseek(in->fd, 0, SEEK_SET) == 0;
}

void input_close(struct input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	if (in->spool_fd >= 0)
		close(in->spool_fd);
	free(in->buf);
	in->buf = NULL;
	in->fd = in->spool_fd = -1;
}
