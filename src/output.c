/*
 * output.c - atomic file output: the finished bytes go to a temporary
 * file beside the target, are flushed to disk and renamed over it, so that
 * the target holds either its old contents or all of the new ones.
 *
 * The temporary file is .NAME.gkreport-XXXXXX beside a target named NAME.
 * Its writer holds an flock on it until it is renamed or removed, and
 * keeps SIGINT, SIGTERM and SIGHUP waiting meanwhile, so that only
 * SIGKILL, a crash or a power cut leaves one behind.  The next write to
 * the same target removes such leftovers: files of that exact name, ours,
 * that no live writer holds locked.
 *
 * A batch prepares its output folder (output_folder_begin): the folder is
 * cleaned once at the start and flushed once at the end.  It may also
 * hand the commits over (output_folder_defer_commits): a writer then only
 * fills its temporary file and queues it, still locked, for the folder's
 * committer threads, which flush it and rename it into place while the
 * writer goes on with its next document; output_folder_finish_commits
 * waits for the queue and reports every commit that failed.  A batch
 * stopped by a signal may leave the queued files behind (as a batch's
 * other threads never held termination back anyway); the next batch
 * into the folder removes them at its start.
 */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEMP_TAG ".gkreport-"
#define TEMP_RANDOM "XXXXXX"
#define TEMP_TRIES 8
#define MAX_PREPARED_FOLDERS 8

bool
output_write_all(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		size -= (size_t)n;
	}
	return true;
}

/* ---- signals ------------------------------------------------------------ */

/* Blocks SIGXFSZ in this thread, and with defer_termination SIGINT,
 * SIGTERM and SIGHUP too, saving the old mask in *old.  Past a file-size
 * limit (ulimit -f) a write then fails with EFBIG, where the signal's
 * default action would kill us and leave a temporary file behind; a
 * termination request waits until the temporary file is renamed or
 * removed. */
static void
block_signals(bool defer_termination, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGXFSZ);
	if (defer_termination) {
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
	}
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Discards the SIGXFSZ a refused write left pending (the EFBIG it came
 * with is the error reported) and restores the mask; a termination
 * signal that arrived meanwhile is delivered now. */
static void
restore_signals(const sigset_t *old)
{
	static const struct timespec now = { 0, 0 };
	sigset_t xfsz;

	if (!sigismember(old, SIGXFSZ)) {
		sigemptyset(&xfsz);
		sigaddset(&xfsz, SIGXFSZ);
		while (sigtimedwait(&xfsz, NULL, &now) == SIGXFSZ)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* ---- permissions -------------------------------------------------------- */

static pthread_once_t umask_once = PTHREAD_ONCE_INIT;
static mode_t process_umask;

/* Reads the umask, which only umask() itself tells, by setting it and
 * setting it back: once per process, as gkreport never changes it, so
 * that no other thread creates a file during the moment it is 0. */
static void
read_umask(void)
{
	process_umask = umask(0);
	umask(process_umask);
}

/* The permissions a new file gets: 0666 less the umask. */
static mode_t
new_file_mode(void)
{
	pthread_once(&umask_once, read_umask);
	return 0666 & ~process_umask;
}

/* ---- names -------------------------------------------------------------- */

/* The length of path's folder part, its last slash included (0 for a
 * bare name). */
static size_t
dir_length(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) + 1 : 0;
}

/* "dir/.name.gkreport-XXXXXX" beside path, for mkstemp: the same folder,
 * so that the final rename cannot cross file systems. */
static char *
temp_template(const char *path)
{
	size_t dir_len = dir_length(path);
	size_t n = strlen(path) + sizeof(TEMP_TAG) + sizeof(TEMP_RANDOM) + 1;
	char *t = malloc(n);

	if (t == NULL)
		return NULL;
	snprintf(t, n, "%.*s.%s" TEMP_TAG TEMP_RANDOM, (int)dir_len, path,
	         path + dir_len);
	return t;
}

/* The length of the target name in a temporary file's name
 * ".BASE.gkreport-" + six of mkstemp's characters, or 0 when name is not
 * one: nothing a person would name a file. */
static size_t
temp_base_length(const char *name)
{
	size_t len = strlen(name);
	size_t suffix = sizeof(TEMP_TAG) - 1 + sizeof(TEMP_RANDOM) - 1;
	const char *r;

	if (name[0] != '.' || len < 2 + suffix ||
	    strncmp(name + len - suffix, TEMP_TAG, sizeof(TEMP_TAG) - 1) != 0)
		return 0;
	for (r = name + len - (sizeof(TEMP_RANDOM) - 1); *r != '\0'; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') ||
		      (*r >= '0' && *r <= '9')))
			return 0;
	return len - 1 - suffix;
}

/* True when name is a temporary file of a write to base (any target's
 * for NULL). */
static bool
is_temp_name(const char *name, const char *base)
{
	size_t base_len = temp_base_length(name);

	return base_len > 0 && (base == NULL || (strlen(base) == base_len &&
	       strncmp(name + 1, base, base_len) == 0));
}

/* ---- leftovers ---------------------------------------------------------- */

/* Removes name in the folder dfd when it is a regular file of ours that
 * nobody holds locked: a live writer holds its lock from just after
 * creating the file until it is renamed or removed (and notices when it
 * lost the file in between, see create_temp). */
static void
remove_if_stale(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	                O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlinkat(dfd, name, 0);
	close(fd);
}

/* Removes the temporary files that writes to base (any target's for
 * NULL) killed by SIGKILL (or a crash) left in the folder dir.  False
 * when the folder cannot be read. */
static bool
remove_stale_temps_in(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL)
		if (is_temp_name(e->d_name, base))
			remove_if_stale(dirfd(d), e->d_name);
	closedir(d);
	return true;
}

/* path's folder (malloc'd; "." for a bare name), or NULL. */
static char *
folder_of(const char *path)
{
	size_t dir_len = dir_length(path);

	return dir_len > 0 ? strndup(path, dir_len) : strdup(".");
}

/* Removes the temporary files that writes to path killed left beside it.
 * Best effort: a folder that cannot be read is reported by the write
 * itself. */
static void
remove_stale_temps(const char *path)
{
	char *dir = folder_of(path);

	if (dir != NULL)
		remove_stale_temps_in(dir, path + dir_length(path));
	free(dir);
}

/* ---- deferred commits --------------------------------------------------- */

/* A write handed over to a committer: its temporary file, filled and
 * locked by fd, to flush and rename over target. */
typedef struct handed_write {
	struct handed_write *next;
	int fd;
	char *tmp;
	char *target;                /* the file replaced (a link resolved) */
	char *shown;                 /* the target as its writer named it */
	int error;                   /* after the commit: 0 or its errno */
} handed_write;

/* The threads committing the writes handed over in one folder, taking
 * them in the order they came.  More than one thread keeps as many
 * flushes in flight as there are writers, as when each writer flushed
 * its own (the file system serves concurrent flushes in one journal
 * commit).  The queue is bounded, so that a slow disk holds up the
 * writers instead of piling up open files. */
typedef struct committer {
	pthread_t *threads;
	size_t thread_count;         /* started */
	pthread_mutex_t lock;        /* guards all below */
	pthread_cond_t work;         /* a write came, or closing */
	pthread_cond_t room;         /* a write left the queue */
	handed_write *first, **last;
	size_t count, max_pending;
	bool closing;                /* nothing more comes: finish, stop */
	handed_write *failed, **failed_last;
} committer;

/* Frees a handed-over write, its file closed already. */
static void
free_handed(handed_write *w)
{
	free(w->tmp);
	free(w->target);
	free(w->shown);
	free(w);
}

/* Flushes the temporary file tmp (open as fd) to disk and renames it
 * over target; false with errno set. */
static bool
flush_and_rename(int fd, const char *tmp, const char *target)
{
	return fsync(fd) == 0 && rename(tmp, target) == 0;
}

/* The next write to commit, waiting for one; NULL once closing and
 * nothing is left. */
static handed_write *
next_handed(committer *c)
{
	handed_write *w;

	pthread_mutex_lock(&c->lock);
	while (c->first == NULL && !c->closing)
		pthread_cond_wait(&c->work, &c->lock);
	w = c->first;
	if (w != NULL) {
		c->first = w->next;
		if (c->first == NULL)
			c->last = &c->first;
		c->count--;
		pthread_cond_signal(&c->room);
	}
	pthread_mutex_unlock(&c->lock);
	return w;
}

/* Keeps a write whose commit failed for output_folder_finish_commits. */
static void
keep_failed(committer *c, handed_write *w)
{
	w->next = NULL;
	pthread_mutex_lock(&c->lock);
	*c->failed_last = w;
	c->failed_last = &w->next;
	pthread_mutex_unlock(&c->lock);
}

/* A committer thread: each write flushed and renamed into place (its
 * lock held until then), or removed and kept on the failed list. */
static void *
committer_main(void *arg)
{
	committer *c = arg;
	handed_write *w;

	while ((w = next_handed(c)) != NULL) {
		if (!flush_and_rename(w->fd, w->tmp, w->target)) {
			w->error = errno;
			unlink(w->tmp);
		}
		close(w->fd);
		if (w->error == 0)
			free_handed(w);
		else
			keep_failed(c, w);
	}
	return NULL;
}

/* Lets the committer finish its queue and waits for its threads. */
static void
committer_stop(committer *c)
{
	pthread_mutex_lock(&c->lock);
	c->closing = true;
	pthread_cond_broadcast(&c->work);
	pthread_mutex_unlock(&c->lock);
	for (size_t i = 0; i < c->thread_count; i++)
		pthread_join(c->threads[i], NULL);
}

/* Reports the failed commits of a stopped committer and frees it. */
static void
committer_free(committer *c, output_commit_failed_fn *failed, void *context)
{
	handed_write *w, *next;

	for (w = c->failed; w != NULL; w = next) {
		next = w->next;
		if (failed != NULL)
			failed(context, w->shown, w->error);
		free_handed(w);
	}
	free(c->threads);
	pthread_cond_destroy(&c->room);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* A running committer of thread_count threads (at least one started)
 * with room for max_pending writes, or NULL. */
static committer *
committer_start(size_t thread_count, size_t max_pending)
{
	committer *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->threads = calloc(thread_count,
	                                      sizeof(*c->threads))) == NULL) {
		free(c);
		return NULL;
	}
	c->last = &c->first;
	c->failed_last = &c->failed;
	c->max_pending = max_pending;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->room, NULL);
	while (c->thread_count < thread_count &&
	       pthread_create(&c->threads[c->thread_count], NULL, committer_main,
	                      c) == 0)
		c->thread_count++;
	if (c->thread_count == 0) {
		committer_free(c, NULL, NULL);
		return NULL;
	}
	return c;
}

/* Queues the filled temporary file tmp (open as fd, locked) for c to
 * commit over target, waiting while the queue is full; on success fd and
 * tmp are c's.  False, nothing taken, when memory is short. */
static bool
hand_over(committer *c, int fd, char *tmp, const char *target,
          const char *shown)
{
	handed_write *w = malloc(sizeof(*w));
	char *target_copy = strdup(target), *shown_copy = strdup(shown);

	if (w == NULL || target_copy == NULL || shown_copy == NULL) {
		free(w);
		free(target_copy);
		free(shown_copy);
		return false;
	}
	*w = (handed_write){ NULL, fd, tmp, target_copy, shown_copy, 0 };
	pthread_mutex_lock(&c->lock);
	while (c->count >= c->max_pending)
		pthread_cond_wait(&c->room, &c->lock);
	*c->last = w;
	c->last = &w->next;
	c->count++;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
	return true;
}

/* ---- prepared folders --------------------------------------------------- */

/* A folder a batch writes into, known by device and inode so that any
 * spelling of its path finds it. */
typedef struct prepared_folder {
	dev_t dev;
	ino_t ino;
	unsigned users;              /* output_folder_begin calls not ended */
	committer *committer;        /* while its commits are handed over */
} prepared_folder;

static pthread_mutex_t prepared_lock = PTHREAD_MUTEX_INITIALIZER;
static prepared_folder prepared_folders[MAX_PREPARED_FOLDERS];
static size_t prepared_count;

/* The entry of the folder st in the registry, or NULL.  The caller holds
 * prepared_lock. */
static prepared_folder *
find_prepared(const struct stat *st)
{
	for (size_t i = 0; i < prepared_count; i++) {
		prepared_folder *f = &prepared_folders[i];

		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	}
	return NULL;
}

/* True when path's folder is prepared: its leftovers are gone already
 * and it is flushed once at the end; *c is then its committer, or NULL
 * when its writes commit themselves.  Without any prepared folder (a
 * single render) this costs no system call. */
static bool
in_prepared_folder(const char *path, committer **c)
{
	char *dir;
	struct stat st;
	prepared_folder *f = NULL;
	bool any;

	*c = NULL;
	pthread_mutex_lock(&prepared_lock);
	any = prepared_count > 0;
	pthread_mutex_unlock(&prepared_lock);
	if (!any || (dir = folder_of(path)) == NULL)
		return false;
	if (stat(dir, &st) == 0) {
		pthread_mutex_lock(&prepared_lock);
		f = find_prepared(&st);
		if (f != NULL)
			*c = f->committer;
		pthread_mutex_unlock(&prepared_lock);
	}
	free(dir);
	return f != NULL;
}

bool
output_folder_begin(const char *dir)
{
	struct stat st;
	prepared_folder *f;
	bool ok = true;

	new_file_mode();             /* read now, before the workers start */
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    !remove_stale_temps_in(dir, NULL))
		return false;
	pthread_mutex_lock(&prepared_lock);
	f = find_prepared(&st);
	if (f == NULL && prepared_count < MAX_PREPARED_FOLDERS) {
		f = &prepared_folders[prepared_count++];
		*f = (prepared_folder){ st.st_dev, st.st_ino, 0, NULL };
	}
	if (f != NULL)
		f->users++;
	else
		ok = false;
	pthread_mutex_unlock(&prepared_lock);
	return ok;
}

/* Flushes the folder dir to disk, making the renames in it durable; best
 * effort, as every file in it is complete either way. */
static void
sync_folder(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void
output_folder_end(const char *dir)
{
	struct stat st;
	prepared_folder *f;
	committer *unfinished = NULL;
	bool was_prepared;

	if (stat(dir, &st) != 0)
		return;
	pthread_mutex_lock(&prepared_lock);
	f = find_prepared(&st);
	was_prepared = f != NULL;
	if (was_prepared && --f->users == 0) {
		unfinished = f->committer;
		*f = prepared_folders[--prepared_count];
	}
	pthread_mutex_unlock(&prepared_lock);
	if (unfinished != NULL) {
		/* no renames may follow the flush; failures have no one to
		 * hear them here, see output.h */
		committer_stop(unfinished);
		committer_free(unfinished, NULL, NULL);
	}
	if (was_prepared)
		sync_folder(dir);
}

bool
output_folder_defer_commits(const char *dir, size_t threads,
                            size_t max_pending)
{
	struct stat st;
	prepared_folder *f;
	committer *c;

	if (threads == 0 || max_pending == 0 || stat(dir, &st) != 0 ||
	    (c = committer_start(threads, max_pending)) == NULL)
		return false;
	pthread_mutex_lock(&prepared_lock);
	f = find_prepared(&st);
	if (f != NULL && f->committer == NULL) {
		f->committer = c;
		c = NULL;
	}
	pthread_mutex_unlock(&prepared_lock);
	if (c == NULL)
		return true;
	committer_stop(c);
	committer_free(c, NULL, NULL);
	return false;
}

void
output_folder_finish_commits(const char *dir, output_commit_failed_fn *failed,
                             void *context)
{
	struct stat st;
	prepared_folder *f;
	committer *c = NULL;

	if (stat(dir, &st) != 0)
		return;
	pthread_mutex_lock(&prepared_lock);
	f = find_prepared(&st);
	if (f != NULL) {
		c = f->committer;
		f->committer = NULL;
	}
	pthread_mutex_unlock(&prepared_lock);
	if (c == NULL)
		return;
	committer_stop(c);
	committer_free(c, failed, context);
}

/* ---- writing ------------------------------------------------------------ */

void
output_report_failure(diag_sink *diag, const char *path, int error)
{
	diag_error(diag, source_pos_file(NULL), "cannot write '%s': %s", path,
	           strerror(error));
}

/* Creates the temporary file for path and locks it; its name is left in
 * *tmp (to free).  A file removed as stale by another writer's cleanup
 * between creation and locking is noticed (no links left) and replaced.
 * Returns the descriptor, or -1 with errno set. */
static int
create_temp(const char *path, char **tmp)
{
	for (int tries = 0; tries < TEMP_TRIES; tries++) {
		struct stat st;
		int fd;

		*tmp = temp_template(path);
		if (*tmp == NULL)
			return -1;
		fd = mkostemp(*tmp, O_CLOEXEC);
		if (fd < 0) {
			int saved = errno;

			free(*tmp);
			*tmp = NULL;
			errno = saved;
			return -1;
		}
		while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
			;
		if (fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		close(fd);
		free(*tmp);
	}
	*tmp = NULL;
	errno = EAGAIN;
	return -1;
}

/* Gives the temporary file fd the permissions a new file gets and
 * writes data; false with errno set. */
static bool
fill(int fd, const void *data, size_t size)
{
	return fchmod(fd, new_file_mode()) == 0 && output_write_all(fd, data, size);
}

/* Flushes the rename in path's folder to disk. */
static void
sync_dir(const char *path)
{
	char *dir = folder_of(path);

	if (dir != NULL)
		sync_folder(dir);
	free(dir);
}

/* Writes data to a temporary file beside path and renames it over path,
 * the file locked and termination signals waiting until it is renamed or
 * removed.  In a prepared folder the scan for leftovers and the flush of
 * the folder are output_folder_begin's and _end's, and when the folder
 * has a committer the flush and rename are its, after this returns.
 * Errors name the target as given, shown. */
static bool
write_file(const char *path, const char *shown, const void *data,
           size_t size, diag_sink *diag)
{
	committer *c;
	bool prepared = in_prepared_folder(path, &c);
	sigset_t old;
	char *tmp;
	int fd;
	bool ok;

	if (!prepared)
		remove_stale_temps(path);
	block_signals(true, &old);
	fd = create_temp(path, &tmp);
	ok = fd >= 0 && fill(fd, data, size);
	if (ok && c != NULL && hand_over(c, fd, tmp, path, shown)) {
		restore_signals(&old);
		return true;
	}
	ok = ok && flush_and_rename(fd, tmp, path);
	if (!ok) {
		int saved = errno;

		if (tmp != NULL)
			unlink(tmp);
		output_report_failure(diag, shown, saved);
	}
	if (fd >= 0)
		close(fd);
	restore_signals(&old);
	if (ok && !prepared)
		sync_dir(path);
	free(tmp);
	return ok;
}

/* Writes data straight to fd, which is standard output or a pipe or
 * device named as the target; a failure names what. */
static bool
write_stream(int fd, const char *what, const void *data, size_t size,
             diag_sink *diag)
{
	sigset_t old;
	bool ok;

	block_signals(false, &old);
	ok = output_write_all(fd, data, size);
	if (!ok)
		diag_error(diag, source_pos_file(NULL), "cannot write %s: %s",
		           what, strerror(errno));
	restore_signals(&old);
	return ok;
}

/* Writes to a target that is a pipe or a character device (a FIFO,
 * /dev/stdout, /dev/null): there is no file to replace, so no temporary
 * file either. */
static bool
write_device(const char *path, const void *data, size_t size,
             diag_sink *diag)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	char *what;
	bool ok;

	if (fd < 0) {
		output_report_failure(diag, path, errno);
		return false;
	}
	what = malloc(strlen(path) + 3);
	if (what != NULL)
		sprintf(what, "'%s'", path);
	ok = write_stream(fd, what != NULL ? what : "output", data, size, diag);
	free(what);
	if (close(fd) != 0 && ok) {
		output_report_failure(diag, path, errno);
		ok = false;
	}
	return ok;
}

/* Writes data to path, or to standard output for "-", so that path holds
 * either its old contents or all of data, never part of it.  A symbolic
 * link is followed: the file it names is replaced and the link kept. */
bool
output_write_atomic(const char *path, const void *data, size_t size,
                    diag_sink *diag)
{
	struct stat st;
	char *real = NULL;
	bool ok;

	if (strcmp(path, "-") == 0)
		return write_stream(STDOUT_FILENO, "standard output", data, size,
		                    diag);
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			diag_error(diag, source_pos_file(NULL),
			           "cannot write '%s': it is a directory", path);
			return false;
		}
		if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
			return write_device(path, data, size, diag);
		if (!S_ISREG(st.st_mode)) {
			diag_error(diag, source_pos_file(NULL),
			           "cannot write '%s': not a regular file", path);
			return false;
		}
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			real = realpath(path, NULL);
	}
	ok = write_file(real != NULL ? real : path, path, data, size, diag);
	free(real);
	return ok;
}
