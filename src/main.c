/*
 * main.c - the gkreport command line: render, check, init, fonts, extract.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "extract.h"
#include "fonts.h"
#include "init.h"
#include "layout.h"
#include "render.h"

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
	"\n"
	"  --previous FILE   last year's description: the cross-year rules\n"
	"  --strict          warnings fail too (exit 1, no PDF)\n"
	"  --draft           write the PDF even so, every page marked 草稿\n"
	"  --archive         write PDF/A-1b, for deposit in an archive\n"
	"  --attach-source   write PDF/A-3b with the description and the layout\n"
	"                    embedded (implies --archive)\n"
	"  --format json     diagnostics as one JSON object per line\n"
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
	CMD_WRITES_PDF = CMD_RENDER  /* the commands taking the PDF options */
};

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
	{ "--output", "-o", true, CMD_RENDER | CMD_INIT | CMD_EXTRACT,
	  offsetof(cli, output) },
	{ "--layout", NULL, true, CMD_FONTS | CMD_INIT, offsetof(cli, layout) },
	{ "--previous", NULL, true, CMD_RENDER | CMD_CHECK | CMD_INIT,
	  offsetof(cli, previous) },
	{ "--format", NULL, true, CMD_RENDER | CMD_CHECK, offsetof(cli, format) },
	{ "--agency", NULL, true, CMD_INIT, offsetof(cli, agency) },
	{ "--year", NULL, true, CMD_INIT, offsetof(cli, year) },
	{ "--strict", NULL, false, CMD_RENDER | CMD_CHECK, offsetof(cli, strict) },
	{ "--draft", NULL, false, CMD_RENDER, offsetof(cli, draft) },
	{ "--archive", NULL, false, CMD_WRITES_PDF, offsetof(cli, archive) },
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
};

/* Reports a wrong command line through the one diagnostics path, with a
 * pointer to the help in the text format; returns the exit status. */
static int
usage_error(diag_sink *diag, const char *fmt, const char *arg)
{
	diag_error(diag, source_pos_file(NULL), fmt, arg);
	if (diag->format == DIAG_FORMAT_TEXT)
		fputs("usage: gkreport render|check|init|fonts|extract ... "
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
		} else if (c->input == NULL && c->command != CMD_INIT) {
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
	status = parse_args(argc, argv, &c, &diag);
	if (status != 0)
		return status;
	return run_command(&c, &diag);
}
