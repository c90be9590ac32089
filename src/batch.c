/*
 * batch.c - gkreport batch: inputs, names, worker threads, progress,
 * summary and the district overview.
 *
 * Sharing: one layout_cache for the whole batch (each layout parsed
 * once, read-only afterwards); one render_session per worker thread,
 * holding the fonts that thread resolved once (FreeType faces are not
 * thread-safe, so fonts are never shared); one arena per document, freed
 * when it is done.  Each document's diagnostics go to a buffer of its
 * own and are printed whole, so lines from workers never interleave.
 *
 * Scheduling: with more than one worker the largest descriptions go
 * first, so that the batch ends on small ones and no core waits long for
 * the last document; names, the summary and the overview keep the input
 * order (a job's index), so the order of work shows only in the order of
 * diagnostics on standard error, which parallel workers never fixed.
 *
 * Output: a worker leaves each PDF, written but not yet flushed to disk,
 * to the output folder's committer threads (output.h) and goes on with the
 * next document.  All commits are waited for before the overview and the
 * summary; a PDF that could not be put in place fails then, in input
 * order, with its own diagnostic.
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "batch_names.h"
#include "json.h"
#include "layout_cache.h"
#include "linebreak.h"
#include "output.h"
#include "overview.h"
#include "render.h"
#include "yaml_tree.h"

#define DEFAULT_OVERVIEW_AGENCY "各单位"
#define MAX_JOBS 256
#define MAX_COMMIT_THREADS 8             /* flushes in flight at most */
#define MAX_PENDING_COMMITS 64           /* PDFs waiting for them at most */
#define PROGRESS_INTERVAL_NS 100000000L   /* redraw at most 10 times a second */

typedef enum job_outcome {
	JOB_RENDERED,                /* PDF written */
	JOB_UP_TO_DATE,              /* PDF newer than the description, kept */
	JOB_REFUSED,                 /* only warnings, under --strict */
	JOB_FAILED                   /* errors, or a failure writing it */
} job_outcome;

static const char *const outcome_names[] = {
	[JOB_RENDERED] = "rendered",
	[JOB_UP_TO_DATE] = "up-to-date",
	[JOB_REFUSED] = "refused",
	[JOB_FAILED] = "failed",
};

/* One description of the batch and what became of it. */
typedef struct batch_job {
	char *input;
	bool input_seen;             /* stat succeeded when it was collected: */
	off_t input_size;            /* how much work it is, roughly */
	struct timespec input_mtime; /* and whether its PDF is up to date */
	char *agency, *year;         /* read ahead for a --name pattern */
	char *output;                /* OUT_DIR/NAME.pdf */
	job_outcome outcome;
	int errors, warnings;
	char *first_diagnostic;      /* of a failure: its first error line */
	overview_record *record;     /* --overview: its row */
	int commit_error;            /* errno of its PDF's failed commit */
} batch_job;

typedef struct batch batch;
typedef void job_fn(batch *b, render_session *s, batch_job *job);

struct batch {
	const batch_options *opt;
	const char *out_dir;
	batch_job *jobs;
	size_t job_count, job_capacity;
	size_t *order;               /* job indices in the order workers take them */
	bool out_dir_prepared;       /* output_folder_begin(out_dir) succeeded */
	bool commits_deferred;       /* and its commits go to a committer */
	layout_cache *layouts;
	const layout *overview_layout; /* --overview: its layout (cached) */
	const table_def *overview;   /* and that layout's repeated table */
	job_fn *phase;               /* what the workers do to each job */
	pthread_mutex_t lock;        /* guards next, counts and stderr */
	size_t next, done, failed;
	struct timespec started, last_drawn;
	bool progress_drawn;
};

/* ---- inputs ------------------------------------------------------------ */

/* Appends one description to the job list with what st (NULL when stat
 * failed) says of its size and age. */
static void
add_job(batch *b, const char *path, const struct stat *st)
{
	batch_job *job;

	if (b->job_count == b->job_capacity) {
		b->job_capacity = b->job_capacity ? 2 * b->job_capacity : 64;
		b->jobs = checked_memory(realloc(b->jobs, b->job_capacity * sizeof(*b->jobs)));
	}
	job = &b->jobs[b->job_count++];
	*job = (batch_job){ .input = checked_memory(strdup(path)),
	                    .input_seen = st != NULL };
	if (st != NULL) {
		job->input_size = st->st_size;
		job->input_mtime = st->st_mtim;
	}
}

/* True for a file name a folder contributes: a visible .yaml, .yml or
 * .json file. */
static bool
is_description_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return name[0] != '.' && dot != NULL && (strcmp(dot, ".yaml") == 0 ||
	       strcmp(dot, ".yml") == 0 || strcmp(dot, ".json") == 0);
}

/* Orders file names bytewise, so a folder always gives the same order. */
static int
compare_strings(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

/* Adds the descriptions of a folder, sorted; false after an error. */
static bool
add_folder(batch *b, const char *dir, diag_sink *diag)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t count = 0;
	struct dirent *e;

	if (d == NULL) {
		diag_error(diag, source_pos_file(NULL), "cannot read folder '%s': %s",
		           dir, strerror(errno));
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		if (!is_description_name(e->d_name))
			continue;
		names = checked_memory(realloc(names, (count + 1) * sizeof(*names)));
		names[count++] = checked_memory(strdup(e->d_name));
	}
	closedir(d);
	qsort(names, count, sizeof(*names), compare_strings);
	for (size_t i = 0; i < count; i++) {
		char *path = NULL;
		struct stat st;

		if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
			checked_memory(NULL);
		add_job(b, path, stat(path, &st) == 0 ? &st : NULL);
		free(path);
		free(names[i]);
	}
	free(names);
	return true;
}

/* Adds one input: a folder's descriptions, else the file itself (a
 * missing file fails as its own document, like render would). */
static bool
add_input(batch *b, const char *path, diag_sink *diag)
{
	struct stat st;
	bool seen = stat(path, &st) == 0;

	if (seen && S_ISDIR(st.st_mode))
		return add_folder(b, path, diag);
	add_job(b, path, seen ? &st : NULL);
	return true;
}

/* Adds every line of --files-from (a file, or "-" for standard input)
 * as an input; blank lines are skipped.  False after an error. */
static bool
add_files_from(batch *b, const char *list, diag_sink *diag)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char *line = NULL;
	size_t room = 0;
	ssize_t n;
	bool ok = true;

	if (f == NULL) {
		diag_error(diag, source_pos_file(NULL), "cannot read '%s': %s", list,
		           strerror(errno));
		return false;
	}
	while (ok && (n = getline(&line, &room, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			ok = add_input(b, line, diag);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ok;
}

/* Collects the jobs from the arguments and --files-from; false after
 * an error. */
static bool
collect_inputs(batch *b, diag_sink *diag)
{
	for (size_t i = 0; i < b->opt->input_count; i++)
		if (!add_input(b, b->opt->inputs[i], diag))
			return false;
	return b->opt->files_from == NULL ||
	       add_files_from(b, b->opt->files_from, diag);
}

/* ---- the workers ------------------------------------------------------- */

/* The next job to do, or job_count when none is left. */
static size_t
take_job(batch *b)
{
	size_t i;

	pthread_mutex_lock(&b->lock);
	i = b->next < b->job_count ? b->order[b->next++] : b->job_count;
	pthread_mutex_unlock(&b->lock);
	return i;
}

/* One worker: a render session of its own (its fonts), jobs until none
 * is left. */
static void *
worker_main(void *arg)
{
	batch *b = arg;
	render_session *s = render_session_create(b->opt->data_dir, b->layouts);
	size_t i;

	while ((i = take_job(b)) < b->job_count)
		b->phase(b, s, &b->jobs[i]);
	render_session_free(s);
	return NULL;
}

/* The number of workers: -j, else one per core, never more than jobs. */
static size_t
worker_count(const batch *b)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = b->opt->jobs > 0 ? (size_t)b->opt->jobs
	    : cores > 0 ? (size_t)cores : 1;

	if (n > MAX_JOBS)
		n = MAX_JOBS;
	return n < b->job_count ? n : (b->job_count > 0 ? b->job_count : 1);
}

/* Orders job indices by the size of their descriptions, largest first;
 * equal sizes keep the input order, so the schedule is always the same. */
static int
compare_larger_first(const void *left, const void *right, void *jobs)
{
	const batch_job *l = (const batch_job *)jobs + *(const size_t *)left;
	const batch_job *r = (const batch_job *)jobs + *(const size_t *)right;

	if (l->input_size != r->input_size)
		return l->input_size > r->input_size ? -1 : 1;
	return l < r ? -1 : l > r;
}

/* Decides the order the workers take the jobs in: the input order for
 * one worker (its diagnostics then follow the inputs), else the largest
 * descriptions first. */
static void
plan_order(batch *b)
{
	b->order = checked_memory(malloc((b->job_count + 1) * sizeof(*b->order)));
	for (size_t i = 0; i < b->job_count; i++)
		b->order[i] = i;
	if (worker_count(b) > 1)
		qsort_r(b->order, b->job_count, sizeof(*b->order),
		        compare_larger_first, b->jobs);
}

/* Runs phase over every job on the worker threads and waits for them. */
static void
run_phase(batch *b, job_fn *phase)
{
	size_t n = worker_count(b), started = 0;
	pthread_t *threads = checked_memory(calloc(n, sizeof(*threads)));

	b->phase = phase;
	b->next = 0;
	for (size_t i = 0; i < n; i++)
		if (pthread_create(&threads[started], NULL, worker_main, b) == 0)
			started++;
	if (started == 0)
		worker_main(b);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

/* ---- names ------------------------------------------------------------- */

/* A scalar of the description's top level, normalized like the report
 * loader does, or NULL. */
static char *
peek_scalar(arena *a, const ynode *root, const char *key)
{
	const ynode *node = ynode_get(root, key);

	if (node == NULL || node->kind != YNODE_SCALAR)
		return NULL;
	return checked_memory(strdup(lb_normalize_spaces(a, node->text)));
}

/* Reads agency and year ahead of rendering, for a --name pattern; a
 * description that does not parse gets "unknown" (and fails later). */
static void
peek_job(batch *b, render_session *s, batch_job *job)
{
	arena *a = arena_create();
	diag_sink quiet;
	const ynode *root;

	diag_init(&quiet, NULL);
	root = yaml_tree_load_file(a, job->input, &quiet);
	if (root != NULL && root->kind == YNODE_MAPPING) {
		job->agency = peek_scalar(a, root, "agency");
		job->year = peek_scalar(a, root, "year");
	}
	arena_destroy(a);
}

/* Gives every job its output path, in input order, so the same inputs
 * always get the same names. */
static void
assign_names(batch *b, name_set *taken)
{
	const char *pattern = b->opt->name_pattern ? b->opt->name_pattern
	    : BATCH_DEFAULT_PATTERN;

	for (size_t i = 0; i < b->job_count; i++) {
		batch_job *job = &b->jobs[i];
		char *stem = batch_name_stem(job->input);
		name_fields fields = { job->agency, job->year, stem };
		char *name = batch_name_make(pattern, &fields);
		char *unique = name_set_claim(taken, name);

		if (asprintf(&job->output, "%s/%s.pdf", b->out_dir, unique) < 0)
			checked_memory(NULL);
		free(unique);
		free(name);
		free(stem);
	}
}

/* Creates the output folder and its parents; false after an error. */
static bool
make_out_dir(const char *dir, diag_sink *diag)
{
	char *path = checked_memory(strdup(dir));
	bool ok = true;

	for (char *p = path + 1; ok && *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ok = mkdir(path, 0777) == 0 || errno == EEXIST;
		*p = '/';
	}
	ok = ok && (mkdir(path, 0777) == 0 || errno == EEXIST);
	if (!ok)
		diag_error(diag, source_pos_file(NULL), "cannot create folder '%s': "
		           "%s", dir, strerror(errno));
	free(path);
	return ok;
}

/* ---- rendering one document -------------------------------------------- */

/* What the inspect hook needs to fill a job's overview row. */
typedef struct job_context {
	batch *b;
	batch_job *job;
} job_context;

/* The render hook: copies the overview row of a report that rendered
 * (or would have) before its memory goes. */
static void
take_record(void *context, const report *r, int status, const diag_sink *diag)
{
	job_context *cx = context;
	const char *slash = strrchr(cx->job->input, '/');

	if (cx->b->overview == NULL || r == NULL || status != EXIT_OK)
		return;
	cx->job->record = overview_record_take(cx->b->overview, r,
	                                       slash ? slash + 1 : cx->job->input,
	                                       diag->warnings,
	                                       (size_t)(cx->job - cx->b->jobs));
}

/* True when the job's PDF exists and is newer than its description (as
 * it was when the batch collected it): a rerun after a killed batch
 * leaves it alone. */
static bool
up_to_date(const batch_job *job)
{
	struct stat out;

	if (!job->input_seen || stat(job->output, &out) != 0 ||
	    !S_ISREG(out.st_mode))
		return false;
	return out.st_mtim.tv_sec > job->input_mtime.tv_sec ||
	       (out.st_mtim.tv_sec == job->input_mtime.tv_sec &&
	        out.st_mtim.tv_nsec >= job->input_mtime.tv_nsec);
}

/* The first line of text holding ": severity: ", else its first line
 * (malloc'd), or NULL when text is empty. */
static char *
first_line_with(const char *text, const char *severity)
{
	const char *hit = strstr(text, severity), *start = text;

	if (hit != NULL)
		for (start = hit; start > text && start[-1] != '\n'; start--)
			continue;
	if (*start == '\0')
		return NULL;
	return checked_memory(strndup(start, strcspn(start, "\n")));
}

/* Sorts a finished document into its outcome from its exit status and
 * diagnostics. */
static void
classify(batch_job *job, int status, const diag_sink *diag, bool skipped,
         bool strict, const char *text)
{
	job->errors = diag->errors;
	job->warnings = diag->warnings;
	if (status == EXIT_OK)
		job->outcome = skipped ? JOB_UP_TO_DATE : JOB_RENDERED;
	else if (strict && status == EXIT_FAILURE_OTHER && diag->errors == 0 &&
	         diag->warnings > 0)
		job->outcome = JOB_REFUSED;
	else
		job->outcome = JOB_FAILED;
	if (job->outcome >= JOB_REFUSED)
		job->first_diagnostic = first_line_with(text,
		    job->outcome == JOB_FAILED ? ": error: " : ": warning: ");
}

/* Seconds from a to b. */
static double
seconds_between(struct timespec a, struct timespec b)
{
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* Redraws the progress line (done/total, rate, ETA, failures) when the
 * last drawing is old enough or all is done.  The caller holds the lock. */
static void
draw_progress(batch *b, bool force)
{
	struct timespec now;
	double elapsed, rate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && b->progress_drawn &&
	    seconds_between(b->last_drawn, now) * 1e9 < PROGRESS_INTERVAL_NS)
		return;
	elapsed = seconds_between(b->started, now);
	rate = elapsed > 0 ? (double)b->done / elapsed : 0;
	fprintf(stderr, "\r\033[K%zu/%zu  %.1f/s  ETA %.0fs  %zu failed",
	        b->done, b->job_count, rate,
	        rate > 0 ? (double)(b->job_count - b->done) / rate : 0.0,
	        b->failed);
	fflush(stderr);
	b->last_drawn = now;
	b->progress_drawn = true;
}

/* Prints a finished document's diagnostics whole and counts it; the
 * progress line, when shown, is cleared first and redrawn after. */
static void
report_job(batch *b, const batch_job *job, const char *text)
{
	pthread_mutex_lock(&b->lock);
	if (b->progress_drawn && *text != '\0')
		fputs("\r\033[K", stderr);
	if (*text != '\0') {
		b->progress_drawn = false;
		fputs(text, stderr);
		fflush(stderr);
	}
	b->done++;
	b->failed += job->outcome >= JOB_REFUSED;
	if (b->opt->progress)
		draw_progress(b, false);
	pthread_mutex_unlock(&b->lock);
}

/* Renders one description with its diagnostics held back in a buffer;
 * an up-to-date PDF is kept (and with --overview its description is
 * still read and checked, for its row). */
static void
render_job(batch *b, render_session *s, batch_job *job)
{
	char *text = NULL;
	size_t size = 0;
	FILE *buffer = checked_memory(open_memstream(&text, &size));
	bool skipped = !b->opt->force && up_to_date(job);
	job_context cx = { b, job };
	render_options ro = {
		.data_dir = b->opt->data_dir,
		.output = skipped ? NULL : job->output,
		.strict = b->opt->strict,
		.archive = b->opt->archive,
		.inspect = take_record,
		.inspect_context = &cx,
	};
	diag_sink diag;
	int status = EXIT_OK;

	diag_init(&diag, buffer);
	if (!skipped || b->overview != NULL)
		status = render_session_file(s, job->input, &ro, &diag);
	fclose(buffer);
	classify(job, status, &diag, skipped, b->opt->strict, text);
	report_job(b, job, text);
	free(text);
}

/* ---- committing -------------------------------------------------------- */

/* Hands the flush and rename of the PDFs to the output folder's
 * committer threads: one per worker keeps as many flushes in flight as
 * when each worker flushed its own; four waiting per worker ride out a
 * slow flush (tens of ms on a busy disk).  Both are capped, so that even
 * -j 256 keeps the queue, and with it the open files, well below the
 * usual limit of 1024. */
static void
defer_commits(batch *b)
{
	size_t workers = worker_count(b);
	size_t threads = workers < MAX_COMMIT_THREADS ? workers
	    : MAX_COMMIT_THREADS;
	size_t pending = 4 * workers < MAX_PENDING_COMMITS ? 4 * workers
	    : MAX_PENDING_COMMITS;

	if (b->out_dir_prepared)
		b->commits_deferred = output_folder_defer_commits(b->out_dir,
		                                                  threads, pending);
}

/* The committer's report of a PDF that could not be put in place: noted
 * on the job that wrote it. */
static void
note_commit_failure(void *context, const char *path, int error)
{
	batch *b = context;

	for (size_t i = 0; i < b->job_count; i++)
		if (b->jobs[i].output != NULL && strcmp(b->jobs[i].output, path) == 0) {
			b->jobs[i].commit_error = error;
			return;
		}
}

/* A rendered document whose PDF could not be put in place fails after
 * all: its diagnostic printed as a document's are, its overview row
 * dropped (as when the write fails at once). */
static void
fail_commit(batch *b, batch_job *job)
{
	char *text = NULL;
	size_t size = 0;
	FILE *buffer = checked_memory(open_memstream(&text, &size));
	diag_sink diag;

	diag_init(&diag, buffer);
	output_report_failure(&diag, job->output, job->commit_error);
	fclose(buffer);
	job->outcome = JOB_FAILED;
	job->errors += diag.errors;
	free(job->first_diagnostic);
	job->first_diagnostic = first_line_with(text, ": error: ");
	if (b->overview != NULL) {
		overview_record_free(job->record, b->overview);
		job->record = NULL;
	}
	fputs(text, stderr);
	free(text);
}

/* Waits until every PDF handed over is in place, then fails those that
 * could not be, in input order. */
static void
finish_commits(batch *b)
{
	if (!b->commits_deferred)
		return;
	output_folder_finish_commits(b->out_dir, note_commit_failure, b);
	b->commits_deferred = false;
	for (size_t i = 0; i < b->job_count; i++)
		if (b->jobs[i].commit_error != 0)
			fail_commit(b, &b->jobs[i]);
}

/* ---- the overview ------------------------------------------------------ */

/* Loads the overview layout through the shared cache and finds its
 * repeated table; false after an error. */
static bool
load_overview_layout(batch *b, diag_sink *diag)
{
	arena *scratch = arena_create();
	const layout *l = layout_cache_get(b->layouts, scratch, OVERVIEW_LAYOUT,
	                                   ".", source_pos_file(NULL), diag);

	arena_destroy(scratch);
	b->overview_layout = l;
	b->overview = l != NULL ? overview_table(l, diag) : NULL;
	return b->overview != NULL;
}

/* Typesets the overview from the rows the workers took; returns the
 * exit status of that render. */
static int
write_overview(batch *b, diag_sink *diag)
{
	overview_record **rows = checked_memory(calloc(b->job_count + 1, sizeof(*rows)));
	const char **failed = checked_memory(calloc(b->job_count + 1, sizeof(*failed)));
	size_t row_count = 0, failed_count = 0, size = 0;
	const layout *l = b->overview_layout;
	render_session *s;
	render_options ro = { .data_dir = b->opt->data_dir,
	                      .output = b->opt->overview_path,
	                      .archive = b->opt->archive };
	char *text;
	int status;

	for (size_t i = 0; i < b->job_count; i++) {
		const char *slash = strrchr(b->jobs[i].input, '/');

		if (b->jobs[i].record != NULL)
			rows[row_count++] = b->jobs[i].record;
		else if (b->jobs[i].outcome >= JOB_REFUSED)
			failed[failed_count++] = slash ? slash + 1 : b->jobs[i].input;
	}
	if (row_count == 0) {
		diag_error(diag, source_pos_file(NULL), "no report rendered, so "
		           "there is no overview to write");
		free(rows);
		free(failed);
		return EXIT_BAD_INPUT;
	}
	text = overview_description(l, b->overview, rows, row_count,
	                            b->opt->overview_agency ? b->opt->overview_agency
	                            : DEFAULT_OVERVIEW_AGENCY, failed, failed_count,
	                            &size, diag);
	s = render_session_create(b->opt->data_dir, b->layouts);
	status = render_session_buffer(s, OVERVIEW_LAYOUT ".json", text, size,
	                               &ro, diag);
	render_session_free(s);
	free(text);
	free(rows);
	free(failed);
	return status;
}

/* ---- the summary ------------------------------------------------------- */

/* How many jobs ended in outcome. */
static size_t
count_outcome(const batch *b, job_outcome outcome)
{
	size_t n = 0;

	for (size_t i = 0; i < b->job_count; i++)
		n += b->jobs[i].outcome == outcome;
	return n;
}

/* How many jobs that were not refused or failed had warnings. */
static size_t
count_with_warnings(const batch *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->job_count; i++)
		n += b->jobs[i].outcome < JOB_REFUSED && b->jobs[i].warnings > 0;
	return n;
}

/* The summary for people: the counts, then each failure with its first
 * diagnostic. */
static void
print_summary(const batch *b, double seconds, FILE *out)
{
	fprintf(out, "gkreport batch: %zu rendered, %zu up to date, %zu failed, "
	        "%zu refused for warnings, %zu with warnings (%zu descriptions, "
	        "%.1f s)\n", count_outcome(b, JOB_RENDERED),
	        count_outcome(b, JOB_UP_TO_DATE), count_outcome(b, JOB_FAILED),
	        count_outcome(b, JOB_REFUSED), count_with_warnings(b), b->job_count,
	        seconds);
	for (size_t i = 0; i < b->job_count; i++)
		if (b->jobs[i].outcome >= JOB_REFUSED)
			fprintf(out, "%s %s: %s\n", outcome_names[b->jobs[i].outcome],
			        b->jobs[i].input, b->jobs[i].first_diagnostic
			        ? b->jobs[i].first_diagnostic : "(no diagnostic)");
}

/* The summary as JSON: the counts, then one object per description. */
static void
write_summary_json(const batch *b, int status, FILE *out)
{
	fprintf(out, "{\"descriptions\": %zu, \"rendered\": %zu, \"up_to_date\": "
	        "%zu, \"failed\": %zu, \"refused\": %zu, \"with_warnings\": %zu, "
	        "\"exit_status\": %d, \"documents\": [", b->job_count,
	        count_outcome(b, JOB_RENDERED), count_outcome(b, JOB_UP_TO_DATE),
	        count_outcome(b, JOB_FAILED), count_outcome(b, JOB_REFUSED),
	        count_with_warnings(b), status);
	for (size_t i = 0; i < b->job_count; i++) {
		const batch_job *j = &b->jobs[i];

		fputs(i ? ",\n  {\"input\": " : "\n  {\"input\": ", out);
		json_write_string(out, j->input);
		fputs(", \"output\": ", out);
		json_write_string(out, j->outcome < JOB_REFUSED ? j->output : NULL);
		fprintf(out, ", \"outcome\": \"%s\", \"errors\": %d, \"warnings\": "
		        "%d, \"first_diagnostic\": ", outcome_names[j->outcome],
		        j->errors, j->warnings);
		json_write_string(out, j->first_diagnostic);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

/* One CSV field, quoted when it holds a comma, quote or line break. */
static void
csv_field(FILE *out, const char *s)
{
	if (s == NULL || strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s != NULL ? s : "", out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* The summary as CSV: a header, then one line per description. */
static void
write_summary_csv(const batch *b, FILE *out)
{
	fputs("input,output,outcome,errors,warnings,first_diagnostic\n", out);
	for (size_t i = 0; i < b->job_count; i++) {
		const batch_job *j = &b->jobs[i];

		csv_field(out, j->input);
		fputc(',', out);
		csv_field(out, j->outcome < JOB_REFUSED ? j->output : NULL);
		fprintf(out, ",%s,%d,%d,", outcome_names[j->outcome], j->errors,
		        j->warnings);
		csv_field(out, j->first_diagnostic);
		fputc('\n', out);
	}
}

/* True when path ends with suffix. */
static bool
ends_with(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n >= m && strcmp(path + n - m, suffix) == 0;
}

/* Writes --summary atomically, JSON or CSV by its extension; false
 * after an error. */
static bool
write_summary_file(const batch *b, int status, diag_sink *diag)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = checked_memory(open_memstream(&text, &size));
	bool ok;

	if (ends_with(b->opt->summary_path, ".csv"))
		write_summary_csv(b, out);
	else
		write_summary_json(b, status, out);
	fclose(out);
	ok = output_write_atomic(b->opt->summary_path, text, size, diag);
	free(text);
	return ok;
}

/* ---- the whole batch ---------------------------------------------------- */

/* The exit status the outcomes call for. */
static int
batch_status(const batch *b)
{
	if (count_outcome(b, JOB_FAILED) > 0)
		return EXIT_BAD_INPUT;
	return count_outcome(b, JOB_REFUSED) > 0 ? EXIT_FAILURE_OTHER : EXIT_OK;
}

/* Frees the jobs and everything they hold. */
static void
free_jobs(batch *b)
{
	for (size_t i = 0; i < b->job_count; i++) {
		batch_job *j = &b->jobs[i];

		free(j->input);
		free(j->agency);
		free(j->year);
		free(j->output);
		free(j->first_diagnostic);
		if (b->overview != NULL)
			overview_record_free(j->record, b->overview);
	}
	free(b->jobs);
	free(b->order);
}

/* Everything before the workers start: inputs and their order, the
 * overview layout, the output folder (what a killed run left there is
 * removed once, here), names.  False after an error. */
static bool
prepare(batch *b, diag_sink *diag)
{
	const char *pattern = b->opt->name_pattern;
	name_set *taken;

	if (!collect_inputs(b, diag) || !make_out_dir(b->out_dir, diag) ||
	    (b->opt->overview_path != NULL && !load_overview_layout(b, diag)))
		return false;
	plan_order(b);
	b->out_dir_prepared = output_folder_begin(b->out_dir);
	if (pattern != NULL && batch_pattern_needs_content(pattern))
		run_phase(b, peek_job);
	taken = name_set_create();
	assign_names(b, taken);
	name_set_free(taken);
	return true;
}

/* Renders and waits for the PDFs to be in place, then the overview,
 * flushes the output folder, then the summary and the summary file. */
static int
render_all(batch *b, diag_sink *diag)
{
	int status;

	clock_gettime(CLOCK_MONOTONIC, &b->started);
	defer_commits(b);
	run_phase(b, render_job);
	if (b->progress_drawn)
		fputs("\r\033[K", stderr);
	finish_commits(b);
	status = batch_status(b);
	if (b->opt->overview_path != NULL && write_overview(b, diag) != EXIT_OK)
		status = EXIT_BAD_INPUT;
	/* the renames made durable before the summary counts them */
	if (b->out_dir_prepared)
		output_folder_end(b->out_dir);
	clock_gettime(CLOCK_MONOTONIC, &b->last_drawn);
	print_summary(b, seconds_between(b->started, b->last_drawn), stdout);
	fflush(stdout);
	if (b->opt->summary_path != NULL && !write_summary_file(b, status, diag))
		status = EXIT_BAD_INPUT;
	return status;
}

int
batch_run(const batch_options *opt, diag_sink *diag)
{
	batch b = { .opt = opt, .out_dir = opt->out_dir ? opt->out_dir : "." };
	int status = EXIT_BAD_INPUT;

	pthread_mutex_init(&b.lock, NULL);
	b.layouts = layout_cache_create(opt->data_dir);
	if (prepare(&b, diag))
		status = render_all(&b, diag);
	free_jobs(&b);
	layout_cache_free(b.layouts);
	pthread_mutex_destroy(&b.lock);
	return status;
}
