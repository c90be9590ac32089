/*
 * main.c - the gkreport command line: render, check, fonts.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fonts.h"
#include "layout.h"
#include "render.h"

#define DEFAULT_LAYOUT "gov-annual-2021"

static const char usage_text[] =
	"usage: gkreport render DESCRIPTION [-o OUTPUT.pdf]\n"
	"       gkreport check DESCRIPTION\n"
	"       gkreport fonts [--layout NAME]\n"
	"       gkreport --help | --version\n"
	"\n"
	"Typesets a 政府信息公开工作年度报告 description (YAML or JSON) into a\n"
	"print-ready PDF with embedded fonts.\n"
	"\n"
	"  render   write the PDF (default: the description's name with .pdf;\n"
	"           '-' reads standard input / writes standard output)\n"
	"  check    load, check and lay out the report without writing a PDF\n"
	"  fonts    show the font each role resolves to\n"
	"\n"
	"Exit status: 0 success, 1 failure (fonts, output), 2 bad input.\n"
	"See gkreport(1), gkreport(5), gkreport-layout(5).\n";

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("gkreport: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs("usage: gkreport render|check|fonts ... (gkreport --help)\n", stderr);
	return EXIT_BAD_INPUT;
}

typedef struct cli {
	const char *command;
	const char *input;
	const char *output;
	const char *layout;
} cli;

/* Reads the arguments after the command; returns 0 or an exit status. */
static int
parse_args(int argc, char **argv, cli *c)
{
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 ||
		    strcmp(arg, "--layout") == 0) {
			if (i + 1 >= argc)
				return usage_error("option %s needs a value", arg);
			if (arg[1] == 'o' || arg[2] == 'o')
				c->output = argv[++i];
			else
				c->layout = argv[++i];
		} else if (arg[0] == '-' && arg[1] != '\0') {
			return usage_error("unknown option '%s'", arg);
		} else if (c->input == NULL) {
			c->input = arg;
		} else {
			return usage_error("unexpected argument '%s'", arg);
		}
	}
	return 0;
}

static int
command_render(const cli *c, bool write, diag_sink *diag)
{
	render_options opt = { render_data_dir(), NULL };
	char *default_output = NULL;
	int status;

	if (c->input == NULL)
		return usage_error("%s needs a description file", c->command);
	if (write) {
		if (c->output != NULL)
			opt.output = c->output;
		else if (strcmp(c->input, "-") == 0)
			opt.output = "-";
		else
			opt.output = default_output = render_default_output(c->input);
	} else if (c->output != NULL) {
		return usage_error("%s", "check writes no output; -o is for render");
	}
	status = render_report(c->input, &opt, diag);
	free(default_output);
	return status;
}

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

int
main(int argc, char **argv)
{
	diag_sink diag;
	cli c = { 0 };
	int status;

	diag_init(&diag, stderr);
	if (argc < 2)
		return usage_error("%s", "no command given");
	c.command = argv[1];
	if (strcmp(c.command, "--help") == 0 || strcmp(c.command, "-h") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(c.command, "--version") == 0 || strcmp(c.command, "-V") == 0) {
		puts("gkreport " GK_VERSION);
		return EXIT_OK;
	}
	status = parse_args(argc, argv, &c);
	if (status != 0)
		return status;
	if (strcmp(c.command, "render") == 0)
		return command_render(&c, true, &diag);
	if (strcmp(c.command, "check") == 0)
		return command_render(&c, false, &diag);
	if (strcmp(c.command, "fonts") == 0)
		return command_fonts(&c, &diag);
	return usage_error("unknown command '%s'", c.command);
}
