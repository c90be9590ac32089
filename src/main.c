/*
 * main.c - the gkreport command line: render, check, init, fonts, extract,
 * batch, layouts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "arena.h"
#include "batch.h"
#include "batch_names.h"
#include "diag.h"
#include "extract.h"
#include "fonts.h"
#include "init.h"
#include "layout.h"
#include "render.h"
#include "timing.h"

#define DEFAULT_LAYOUT "gov-annual-2021"

static const char usage_text[] =
	"usage: gkreport render DESCRIPTION [-o OUTPUT.pdf] [--previous LAST.yaml]\n"
	"                       [--strict] [--draft] [--archive] [--attach-source]\n"
	"                       [--format text|json]\n"
	"       gkreport check DESCRIPTION [--previous LAST.yaml] [--strict]\n"
	"                      [--format text|json]\n"
	"       gkreport init --agency NAME --year YYYY [--layout NAME]\n"
	"                     [--previous LAST.yaml] [-o OUTPUT.yaml]\n"
	"       gkreport fonts [--layout NAME]\n"
	"       gkreport extract REPORT.pdf [-o DIR]\n"
	"       gkreport batch [-j N] [-o OUTDIR] [--archive] [--strict]\n"
	"                      [--name PATTERN] [--files-from FILE|-] [--force]\n"
	"                      [--summary FILE.json|FILE.csv]\n"
	"                      [--overview OVERVIEW.pdf [--overview-agency NAME]]\n"
	"                      INPUT...\n"
	"       gkreport layouts\n"
	"       gkreport --help | --version\n"
	"\n"
	"Typesets a 政府信息公开工作年度报告 description (YAML or JSON) into a\n"
	"print-ready PDF with embedded fonts.\n"
	"\n"
	"  render   check the description and write the PDF (default: the\n"
	"           description's name with .pdf; '-' reads standard input /\n"
	"           writes standard output); no PDF when an error rule fails\n"
	"  check    load, check and lay out the report without writing a PDF\n"
	"  init     write a commented description to fill in, every table at 0\n"
	"  fonts    show the font each role resolves to\n"
	"  extract  write the files a PDF embeds (--attach-source) into DIR\n"
	"           (default: the current folder) and list them\n"
	"  batch    render every description given (a folder: its *.yaml,\n"
	"           *.yml, *.json) into OUTDIR on N threads (default: one per\n"
	"           core); a PDF newer than its description is kept\n"
	"  layouts  list the layouts found by name: ./layouts, then\n"
	"           $XDG_DATA_HOME/gkreport/layouts, then the installed ones\n"
	"\n"
	"  --previous FILE   last year's description: the cross-year rules\n"
	"  --strict          warnings fail too (exit 1, no PDF)\n"
	"  --draft           write the PDF even so, every page marked 草稿\n"
	"  --archive         write PDF/A-1b, for deposit in an archive\n"
	"  --attach-source   write PDF/A-3b with the description and the layout\n"
	"                    embedded (implies --archive)\n"
	"  --format json     diagnostics as one JSON object per line\n"
	"  --name PATTERN    batch output names from {name} (the description's\n"
	"                    file name, the default), {agency} and {year}\n"
	"  --overview FILE   batch: also the district overview, one row per office\n"
	"\n"
	"Exit status: 0 success; 1 warnings with --strict, or a failure that is\n"
	"not the description's (fonts, output); 2 errors in the input (for\n"
	"extract: a PDF that cannot be read or embeds no file).\n"
	"See gkreport(1), gkreport(5), gkreport-layout(5).\n";

/* The commands, as bits: an option lists the commands it applies to. */
enum {
	CMD_RENDER = 1 << 0,
	CMD_CHECK = 1 << 1,
	CMD_INIT = 1 << 2,
	CMD_FONTS = 1 << 3,
	CMD_EXTRACT = 1 << 4,
	CMD_BATCH = 1 << 5,
	CMD_LAYOUTS = 1 << 6,
	CMD_WRITES_PDF = CMD_RENDER  /* the commands taking the PDF options */
};

#define MAX_JOBS_OPTION 256

typedef struct cli {
	unsigned command;            /* one CMD_* */
	const char *command_name;
	const char *input;
	const char *output;
	const char *layout;
	const char *previous;
	const char *format;
	const char *agency;
	const char *year;
	const char **inputs;         /* batch: every INPUT */
	size_t input_count;
	const char *jobs;
	const char *name;
	const char *files_from;
	const char *summary;
	const char *overview;
	const char *overview_agency;
	bool force;
	bool strict;
	bool draft;
	bool archive;
	bool attach_source;
} cli;

/* One option: where its value (a string) or its flag (a bool) goes, and
 * which commands take it. */
typedef struct option_def {
	const char *name;
	const char *short_name;      /* NULL = none */
	bool takes_value;
	unsigned commands;
	size_t offset;               /* into cli */
} option_def;

static const option_def options[] = {
	{ "--output", "-o", true, CMD_RENDER | CMD_INIT | CMD_EXTRACT | CMD_BATCH,
	  offsetof(cli, output) },
	{ "--jobs", "-j", true, CMD_BATCH, offsetof(cli, jobs) },
	{ "--name", NULL, true, CMD_BATCH, offsetof(cli, name) },
	{ "--files-from", NULL, true, CMD_BATCH, offsetof(cli, files_from) },
	{ "--summary", NULL, true, CMD_BATCH, offsetof(cli, summary) },
	{ "--overview", NULL, true, CMD_BATCH, offsetof(cli, overview) },
	{ "--overview-agency", NULL, true, CMD_BATCH,
	  offsetof(cli, overview_agency) },
	{ "--force", NULL, false, CMD_BATCH, offsetof(cli, force) },
	{ "--layout", NULL, true, CMD_FONTS | CMD_INIT, offsetof(cli, layout) },
	{ "--previous", NULL, true, CMD_RENDER | CMD_CHECK | CMD_INIT,
	  offsetof(cli, previous) },
	{ "--format", NULL, true, CMD_RENDER | CMD_CHECK, offsetof(cli, format) },
	{ "--agency", NULL, true, CMD_INIT, offsetof(cli, agency) },
	{ "--year", NULL, true, CMD_INIT, offsetof(cli, year) },
	{ "--strict", NULL, false, CMD_RENDER | CMD_CHECK | CMD_BATCH,
	  offsetof(cli, strict) },
	{ "--draft", NULL, false, CMD_RENDER, offsetof(cli, draft) },
	{ "--archive", NULL, false, CMD_WRITES_PDF | CMD_BATCH,
	  offsetof(cli, archive) },
	{ "--attach-source", NULL, false, CMD_WRITES_PDF,
	  offsetof(cli, attach_source) },
};

static const struct {
	const char *name;
	unsigned command;
} commands[] = {
	{ "render", CMD_RENDER },
	{ "check", CMD_CHECK },
	{ "init", CMD_INIT },
	{ "fonts", CMD_FONTS },
	{ "extract", CMD_EXTRACT },
	{ "batch", CMD_BATCH },
	{ "layouts", CMD_LAYOUTS },
};

/* Reports a wrong command line through the one diagnostics path, with a
 * pointer to the help in the text format; returns the exit status. */
static int
usage_error(diag_sink *diag, const char *fmt, const char *arg)
{
	diag_error(diag, source_pos_file(NULL), fmt, arg);
	if (diag->format == DIAG_FORMAT_TEXT)
		fputs("usage: gkreport render|check|init|fonts|extract|batch|layouts ... "
		      "(gkreport --help)\n", stderr);
	return EXIT_BAD_INPUT;
}

/* The diagnostics format asked for anywhere on the command line, so that
 * even an error in the arguments before it comes out in that format. */
static diag_format
requested_format(int argc, char **argv)
{
	for (int i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "--format") == 0)
			return strcmp(argv[i + 1], "json") == 0 ? DIAG_FORMAT_JSON
			    : DIAG_FORMAT_TEXT;
	return DIAG_FORMAT_TEXT;
}

/* The option arg names (long or short), NULL when there is none. */
static const option_def *
find_option(const char *arg)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(arg, options[i].name) == 0 ||
		    (options[i].short_name != NULL &&
		     strcmp(arg, options[i].short_name) == 0))
			return &options[i];
	return NULL;
}

/* Stores one option (and its value, argv[*i + 1]) into c; returns 0 or
 * an exit status. */
static int
take_option(int argc, char **argv, int *i, cli *c, diag_sink *diag)
{
	const option_def *o = find_option(argv[*i]);
	char *field;

	if (o == NULL && c->command == CMD_BATCH &&
	    strncmp(argv[*i], "-j", 2) == 0) {
		c->jobs = argv[*i] + 2;        /* -j4 */
		return 0;
	}
	if (o == NULL)
		return usage_error(diag, "unknown option '%s'", argv[*i]);
	if (!(o->commands & c->command))
		return usage_error(diag, "option %s does not apply to this "
		                   "command", o->name);
	field = (char *)c + o->offset;
	if (!o->takes_value) {
		*(bool *)field = true;
		return 0;
	}
	if (*i + 1 >= argc)
		return usage_error(diag, "option %s needs a value", o->name);
	*(const char **)field = argv[++*i];
	return 0;
}

/* Reads the arguments after the command; returns 0 or an exit status. */
static int
parse_args(int argc, char **argv, cli *c, diag_sink *diag)
{
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		int status;

		if (arg[0] == '-' && arg[1] != '\0') {
			status = take_option(argc, argv, &i, c, diag);
			if (status != 0)
				return status;
		} else if (c->command == CMD_BATCH) {
			c->inputs[c->input_count++] = arg;
		} else if (c->input == NULL && c->command != CMD_INIT &&
		           c->command != CMD_LAYOUTS) {
			c->input = arg;
		} else {
			return usage_error(diag, "unexpected argument '%s'", arg);
		}
	}
	if (c->format != NULL && strcmp(c->format, "json") != 0 &&
	    strcmp(c->format, "text") != 0)
		return usage_error(diag, "--format is text or json, not '%s'",
		                   c->format);
	return 0;
}

/* render and check: the whole pipeline, writing only for render. */
static int
command_render(const cli *c, diag_sink *diag)
{
	render_options opt = {
		.data_dir = render_data_dir(),
		.previous = c->previous,
		.strict = c->strict,
		.draft = c->draft,
		.archive = c->archive || c->attach_source,
		.attach_source = c->attach_source,
	};
	char *default_output = NULL;
	int status;

	if (c->input == NULL)
		return usage_error(diag, "%s needs a description file",
		                   c->command_name);
	if (c->command == CMD_RENDER) {
		if (c->output != NULL)
			opt.output = c->output;
		else if (strcmp(c->input, "-") == 0)
			opt.output = "-";
		else
			opt.output = default_output = render_default_output(c->input);
	}
	status = render_report(c->input, &opt, diag);
	free(default_output);
	return status;
}

/* extract: the embedded files of a PDF into -o DIR (default "."). */
static int
command_extract(const cli *c, diag_sink *diag)
{
	if (c->input == NULL)
		return usage_error(diag, "%s needs a PDF file", "extract");
	return extract_attachments(c->input, c->output ? c->output : ".",
	                           stdout, diag);
}

/* A year as init takes it: four digits, and a next year to sign in. */
static bool
parse_year(const char *text, int *year)
{
	if (strlen(text) != 4 || strspn(text, "0123456789") != 4)
		return false;
	*year = atoi(text);
	return *year >= 1000 && *year < 9999;
}

/* init: checks the agency and year, then writes the skeleton; returns
 * the exit status. */
static int
command_init(const cli *c, diag_sink *diag)
{
	init_options opt = { render_data_dir(), c->layout ? c->layout
	                     : DEFAULT_LAYOUT, c->agency, 0, c->previous,
	                     c->output ? c->output : "-" };

	if (c->agency == NULL || c->year == NULL)
		return usage_error(diag, "%s needs --agency NAME and --year YYYY",
		                   "init");
	if (c->agency[0] == '\0')
		return usage_error(diag, "%s: the agency name is empty", "init");
	if (!parse_year(c->year, &opt.year))
		return usage_error(diag, "--year takes a year like 2025, not '%s'",
		                   c->year);
	return init_write(&opt, diag);
}

/* fonts: resolves the layout's font roles and lists what each got. */
static int
command_fonts(const cli *c, diag_sink *diag)
{
	arena *a = arena_create();
	const char *data_dir = render_data_dir();
	const layout *l = layout_load_named(a, c->layout ? c->layout
	                                    : DEFAULT_LAYOUT, data_dir, ".",
	                                    source_pos_file(NULL), diag);
	const char **names;
	font_set *fonts = NULL;
	int status = EXIT_FAILURE_OTHER;

	if (l == NULL) {
		arena_destroy(a);
		return EXIT_BAD_INPUT;
	}
	names = arena_calloc(a, l->font_role_count + 1, sizeof(*names));
	for (size_t i = 0; i < l->font_role_count; i++)
		names[i] = l->font_roles[i].name;
	fonts = font_set_resolve(data_dir, names, l->font_role_count, diag);
	if (fonts != NULL) {
		font_set_print(fonts, stdout);
		status = EXIT_OK;
	}
	font_set_free(fonts);
	arena_destroy(a);
	return status;
}

/* -j N: a whole number of threads from 1 to MAX_JOBS_OPTION; false when
 * text is not one. */
static bool
parse_jobs(const char *text, int *jobs)
{
	if (*text == '\0' || strlen(text) > 3 ||
	    strspn(text, "0123456789") != strlen(text))
		return false;
	*jobs = atoi(text);
	return *jobs >= 1 && *jobs <= MAX_JOBS_OPTION;
}

/* Checks the batch options that take a shape (-j, --name, --summary)
 * and that there is something to render; returns 0 or an exit status. */
static int
check_batch_options(const cli *c, batch_options *opt, diag_sink *diag)
{
	const char *bad = NULL;
	size_t n;

	if (c->input_count == 0 && c->files_from == NULL)
		return usage_error(diag, "%s needs descriptions, folders of them "
		                   "or --files-from", "batch");
	if (c->jobs != NULL && !parse_jobs(c->jobs, &opt->jobs))
		return usage_error(diag, "-j takes a number of threads from 1 to "
		                   "256, not '%s'", c->jobs);
	if (c->name != NULL && !batch_pattern_valid(c->name, &bad))
		return usage_error(diag, "--name: '%s' is not {name}, {agency} or "
		                   "{year}", bad);
	n = c->summary != NULL ? strlen(c->summary) : 0;
	if (c->summary != NULL && (n < 5 || (strcmp(c->summary + n - 5, ".json")
	                                      != 0 && strcmp(c->summary + n - 4,
	                                                     ".csv") != 0)))
		return usage_error(diag, "--summary writes FILE.json or FILE.csv, "
		                   "not '%s'", c->summary);
	if (c->overview_agency != NULL && c->overview == NULL)
		return usage_error(diag, "%s needs --overview", "--overview-agency");
	return 0;
}

/* batch: every input rendered on worker threads into -o OUTDIR. */
static int
command_batch(const cli *c, diag_sink *diag)
{
	batch_options opt = {
		.data_dir = render_data_dir(),
		.inputs = c->inputs,
		.input_count = c->input_count,
		.files_from = c->files_from,
		.out_dir = c->output,
		.name_pattern = c->name,
		.summary_path = c->summary,
		.overview_path = c->overview,
		.overview_agency = c->overview_agency,
		.strict = c->strict,
		.archive = c->archive,
		.force = c->force,
		.progress = isatty(STDERR_FILENO) == 1,
	};
	int status = check_batch_options(c, &opt, diag);

	return status != 0 ? status : batch_run(&opt, diag);
}

/* layouts: every layout found by name, one line each: name, file, and
 * the first line of its comments; one an earlier folder hides says so. */
static int
command_layouts(const cli *c, diag_sink *diag)
{
	arena *a = arena_create();
	size_t count;
	layout_entry *e = layout_list_all(a, render_data_dir(), &count);

	for (size_t i = 0; i < count; i++)
		printf("%s\t%s\t%s%s\n", e[i].name, e[i].path,
		       e[i].shadowed ? "(hidden by the one above) " : "",
		       e[i].summary);
	arena_destroy(a);
	return EXIT_OK;
}

/* The CMD_* bit of a command name, 0 when there is none. */
static unsigned
command_of(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].command;
	return 0;
}

/* Hands the parsed command line to its command; returns the exit
 * status. */
static int
run_command(const cli *c, diag_sink *diag)
{
	switch (c->command) {
	case CMD_INIT:
		return command_init(c, diag);
	case CMD_FONTS:
		return command_fonts(c, diag);
	case CMD_EXTRACT:
		return command_extract(c, diag);
	case CMD_BATCH:
		return command_batch(c, diag);
	case CMD_LAYOUTS:
		return command_layouts(c, diag);
	default:
		return command_render(c, diag);
	}
}

int
main(int argc, char **argv)
{
	diag_sink diag;
	cli c = { 0 };
	int status;

	timing_mark("main");
	diag_init(&diag, stderr);
	if (argc < 2)
		return usage_error(&diag, "%s", "no command given");
	diag.format = requested_format(argc, argv);
	c.command_name = argv[1];
	if (strcmp(c.command_name, "--help") == 0 ||
	    strcmp(c.command_name, "-h") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(c.command_name, "--version") == 0 ||
	    strcmp(c.command_name, "-V") == 0) {
		puts("gkreport " GK_VERSION);
		return EXIT_OK;
	}
	c.command = command_of(c.command_name);
	if (c.command == 0)
		return usage_error(&diag, "unknown command '%s'", c.command_name);
	c.inputs = calloc((size_t)argc, sizeof(*c.inputs));
	if (c.inputs == NULL)
		return EXIT_FAILURE_OTHER;
	status = parse_args(argc, argv, &c, &diag);
	if (status == 0)
		status = run_command(&c, &diag);
	free(c.inputs);
	timing_mark("teardown");
	return status;
}
