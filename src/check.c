/*
 * check.c - the consistency rules of a report's layout, evaluated on the
 * loaded report: given totals against their sums, equalities between
 * rows or columns (this year's and last year's), rows that must be 0 for
 * some agencies, and the figures the prose quotes.
 *
 * Every number is compared exactly (derive.h's scaled decimals); every
 * message names the table, the row or column, the rule's terms with
 * their values and both totals, so a clerk can find and fix the figure.
 */
#include "check.h"

#include <regex.h>
#include <string.h>

#include "derive.h"

#define MAX_LISTED_TERMS 6           /* longer sums list only their non-zero terms */
#define MAX_GROUPS 10                /* capture groups a text rule may use, plus the match */

/* One run of the checks: scratch memory for messages, the reports, and
 * whether an error-level rule failed. */
typedef struct checker {
	arena *a;
	const report *r;
	const report *previous;      /* NULL: the cross-year rules are skipped */
	diag_sink *diag;
	bool failed;
	source_pos table_pos;        /* the table being checked, for derived values */
} checker;

/* A total that may come out negative: what the added terms and what the
 * subtracted terms come to, kept apart so each stays an exact_decimal. */
typedef struct signed_total {
	exact_decimal plus, minus;
	bool overflow;
} signed_total;

/* One side of an equality or sum, its total and, once the rule failed,
 * its text.  A rule is first evaluated without text: most rules pass,
 * and formatting their terms cost more than adding them up. */
typedef struct side {
	bool with_text;              /* build text as terms are added */
	const char *text;            /* "一(3) + 二(0)" */
	signed_total total;
	size_t terms;
	const cell_value *first_given; /* for the message's position */
} side;

/* An empty side, with or without its text. */
static side
empty_side(bool with_text)
{
	side s = { with_text, "", { { 0, 0 }, { 0, 0 }, false }, 0, NULL };

	return s;
}

/* ---- small helpers ------------------------------------------------------ */

/* Reports one failed rule with its context and remembers an error, so
 * check_report can say whether the report passed. */
static void
report_failure(checker *ck, diag_severity level, source_pos pos,
               const diag_context *ctx, const char *message)
{
	diag_report_ctx(ck->diag, level, pos, ctx, "%s", message);
	if (level == DIAG_ERROR)
		ck->failed = true;
}

/* message with "; why" appended when the rule gives a reason. */
static const char *
with_reason(checker *ck, const char *message, const char *why)
{
	return why != NULL ? arena_printf(ck->a, "%s; %s", message, why) : message;
}

/* The values of table id in report r, or NULL. */
static const table_values *
find_table_values(const report *r, const char *id)
{
	size_t i;

	for (i = 0; r != NULL && i < r->block_count; i++)
		if (r->blocks[i].kind == BLOCK_TABLE && r->blocks[i].table != NULL &&
		    strcmp(r->blocks[i].table->table->id, id) == 0)
			return r->blocks[i].table;
	return NULL;
}

/* The exact value of a present cell; false for an absent one or one
 * too large to add (the loader prevents both). */
static bool
cell_number(const cell_value *cell, exact_decimal *out)
{
	return cell != NULL && cell->present && exact_decimal_parse(cell->text, out);
}

/* value as text, with its decimals when it has any. */
static const char *
format_number(checker *ck, exact_decimal value)
{
	return exact_decimal_format(ck->a, value, VALUE_AMOUNT);
}

/* ---- signed totals ---------------------------------------------------- */

/* Adds (or, when negative, subtracts) value to total. */
static void
total_add(signed_total *total, exact_decimal value, bool negative)
{
	if (!exact_decimal_add(negative ? &total->minus : &total->plus, value))
		total->overflow = true;
}

/* The difference of two exact decimals, a >= b, keeping the larger
 * number of decimals. */
static exact_decimal
difference(exact_decimal a, exact_decimal b)
{
	exact_decimal d = { a.scaled - b.scaled,
	                    a.decimals > b.decimals ? a.decimals : b.decimals };

	return d;
}

/* total as text, "-3" when the subtracted terms weigh more. */
static const char *
format_total(checker *ck, signed_total total)
{
	if (total.plus.scaled >= total.minus.scaled)
		return format_number(ck, difference(total.plus, total.minus));
	return arena_printf(ck->a, "-%s",
	                    format_number(ck, difference(total.minus, total.plus)));
}

/* True when the totals are equal: left.plus + right.minus equals
 * right.plus + left.minus, so nothing is ever negative.  *comparable is
 * false when a sum overflowed. */
static bool
totals_equal(signed_total left, signed_total right, bool *comparable)
{
	exact_decimal a = left.plus, b = right.plus;

	*comparable = !left.overflow && !right.overflow &&
	              exact_decimal_add(&a, right.minus) &&
	              exact_decimal_add(&b, left.minus);
	return !*comparable || a.scaled == b.scaled;
}

/* ---- sides of a rule ---------------------------------------------------- */

/* Adds a term "name(value)" to a side, with " + " or " - " before it
 * (a first term only carries its minus); name is only read when the
 * side has text. */
static void
side_add(checker *ck, side *s, const char *name, exact_decimal value,
         bool negative)
{
	const char *sign = s->terms == 0 ? (negative ? "-" : "")
	                                 : (negative ? " - " : " + ");

	if (s->with_text)
		s->text = arena_printf(ck->a, "%s%s%s(%s)", s->text, sign, name,
		                       format_number(ck, value));
	total_add(&s->total, value, negative);
	s->terms++;
}

/* The side as the message shows it: its terms, and " = total" when
 * there is more than one. */
static const char *
side_text(checker *ck, const side *s)
{
	if (s->terms <= 1)
		return s->text;
	return arena_printf(ck->a, "%s = %s", s->text, format_total(ck, s->total));
}

/* Remembers cell as the side's position when it is the first value the
 * clerk typed (a derived value has no line of its own). */
static void
side_note_position(side *s, const cell_value *cell)
{
	if (s->first_given == NULL && cell->present && !cell->derived)
		s->first_given = cell;
}

/* ---- sums as checks ---------------------------------------------------- */

/* The display name of term i of sum s: a column id, or a row's name. */
static const char *
sum_term_name(const table_def *t, const value_sum *s, size_t i)
{
	if (s->over_columns)
		return s->terms[i];
	return value_row_name(&t->value_rows[value_row_index(t, s->terms[i])]);
}

/* The cell of term i of sum s for the target in row, column col_id. */
static const cell_value *
sum_term_cell(const table_values *tv, const value_sum *s, size_t i,
              const char *row_id, const char *col_id)
{
	if (s->over_columns)
		return report_cell(tv, row_id, s->terms[i]);
	return report_cell(tv, s->terms[i], col_id);
}

/* The terms of sum s for one target, as text with its total and as a
 * total: every term, or for a long sum only those that are not 0 and
 * how many are. */
static bool
sum_side(checker *ck, const table_values *tv, const value_sum *s,
         const char *row_id, const char *col_id, side *out)
{
	bool short_form = s->term_count > MAX_LISTED_TERMS;
	size_t i, zeros = 0;

	for (i = 0; i < s->term_count; i++) {
		exact_decimal value;

		if (!cell_number(sum_term_cell(tv, s, i, row_id, col_id), &value))
			return false;
		if (short_form && value.scaled == 0)
			zeros++;
		else
			side_add(ck, out, out->with_text ?
			         sum_term_name(tv->table, s, i) : NULL, value, false);
	}
	if (!out->with_text)
		return true;
	if (out->terms == 0) {
		out->text = arena_printf(ck->a, "0: its %zu %s are all 0",
		                         s->term_count, s->over_columns ? "columns" : "rows");
		return true;
	}
	if (zeros > 0)
		out->text = arena_printf(ck->a, "%s + 0 in the other %zu %s",
		                         out->text, zeros,
		                         s->over_columns ? "columns" : "rows");
	out->text = arena_printf(ck->a, "%s = %s", out->text,
	                         format_total(ck, out->total));
	return true;
}

/* Checks one given target of sum s against its terms: row_id and col_id
 * name the target cell. */
static void
check_sum_target(checker *ck, const table_values *tv, const value_sum *s,
                 const char *row_id, const char *col_id)
{
	const table_def *t = tv->table;
	const cell_value *target = report_cell(tv, row_id, col_id);
	side terms = empty_side(false);
	signed_total given = { { 0, 0 }, { 0, 0 }, false };
	diag_context ctx = { s->rule, t->id, row_id, col_id };
	exact_decimal value;
	bool comparable;

	if (target == NULL || target->derived || !cell_number(target, &value) ||
	    !sum_side(ck, tv, s, row_id, col_id, &terms))
		return;
	total_add(&given, value, false);
	if (totals_equal(given, terms.total, &comparable))
		return;
	terms = empty_side(true);
	sum_side(ck, tv, s, row_id, col_id, &terms);
	report_failure(ck, s->level, target->pos, &ctx, arena_printf(ck->a,
		"%s %s %s: %s(%s) should be %s", t->id,
		s->over_columns ? "row" : "column", s->over_columns ? row_id : col_id,
		s->over_columns ? col_id :
		value_row_name(&t->value_rows[value_row_index(t, row_id)]),
		format_number(ck, value), terms.text));
}

/* Checks every given target of sum s: the target column in each row it
 * applies to, or each column of the target row. */
static void
check_sum(checker *ck, const table_values *tv, const value_sum *s)
{
	const table_def *t = tv->table;
	size_t r, k;

	if (s->over_columns) {
		for (r = 0; r < t->value_row_count; r++)
			if (value_sum_applies_to_row(s, &t->value_rows[r]))
				check_sum_target(ck, tv, s, t->value_rows[r].id, s->target);
		return;
	}
	r = (size_t)value_row_index(t, s->target);
	for (k = 0; k < t->value_rows[r].column_count; k++)
		check_sum_target(ck, tv, s, s->target, t->value_rows[r].columns[k]);
}

/* ---- equality rules ----------------------------------------------------- */

/* True when the rule takes a term from last year's report. */
static bool
rule_uses_previous(const table_rule *rule)
{
	size_t i;

	for (i = 0; i < rule->left_count; i++)
		if (rule->left[i].previous)
			return true;
	for (i = 0; i < rule->right_count; i++)
		if (rule->right[i].previous)
			return true;
	return false;
}

/* The cell a term names where the rule runs at `at` (a column id for a
 * per-column rule, a row id for a per-row one), this year's or last. */
static const cell_value *
term_cell(checker *ck, const table_values *tv, const table_rule *rule,
          const rule_term *term, const char *at)
{
	const table_values *source = term->previous ?
		find_table_values(ck->previous, tv->table->id) : tv;

	if (rule->per_row)
		return report_cell(source, at, term->id);
	return report_cell(source, term->id, at);
}

/* A term's name in messages: the row's name or the column id, with
 * last year's year before it ("2023年四") when it is last year's. */
static const char *
term_name(checker *ck, const table_def *t, const table_rule *rule,
          const rule_term *term)
{
	const char *name = rule->per_row ? term->id :
		value_row_name(&t->value_rows[value_row_index(t, term->id)]);

	if (term->previous)
		return arena_printf(ck->a, "%d年%s", ck->previous->year, name);
	return name;
}

/* Builds one side of an equality at `at`; false when a value is
 * missing (nothing to check then). */
static bool
equal_side(checker *ck, const table_values *tv, const table_rule *rule,
           const rule_term *terms, size_t count, const char *at, side *out)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const cell_value *cell = term_cell(ck, tv, rule, &terms[i], at);
		exact_decimal value;

		if (!cell_number(cell, &value))
			return false;
		if (!terms[i].previous)
			side_note_position(out, cell);
		side_add(ck, out, out->with_text ?
		         term_name(ck, tv->table, rule, &terms[i]) : NULL, value,
		         terms[i].negative);
	}
	return true;
}

/* Checks an equality where it runs at `at`, reporting both sides with
 * their values at the first value the clerk typed on the left (else on
 * the right, else the table).  When every value there is derived and
 * the rule failed elsewhere already, the failure only echoes that one
 * (a derived 总计 column sums the columns that failed) and is not
 * repeated.  Returns true when the rule failed here. */
static bool
check_equal_at(checker *ck, const table_values *tv, const table_rule *rule,
               const char *at, bool failed_before)
{
	side left = empty_side(false), right = empty_side(false);
	diag_context ctx = { rule->id, tv->table->id, rule->per_row ? at : NULL,
	                     rule->per_row ? NULL : at };
	const cell_value *where;
	bool comparable;

	if (!equal_side(ck, tv, rule, rule->left, rule->left_count, at, &left) ||
	    !equal_side(ck, tv, rule, rule->right, rule->right_count, at, &right) ||
	    totals_equal(left.total, right.total, &comparable))
		return false;
	where = left.first_given != NULL ? left.first_given : right.first_given;
	if (where == NULL && failed_before)
		return true;
	left = empty_side(true);
	right = empty_side(true);
	equal_side(ck, tv, rule, rule->left, rule->left_count, at, &left);
	equal_side(ck, tv, rule, rule->right, rule->right_count, at, &right);
	report_failure(ck, rule->level, where != NULL ? where->pos : ck->table_pos,
	               &ctx,
		with_reason(ck, arena_printf(ck->a, "%s %s %s: %s, but %s",
		            tv->table->id, rule->per_row ? "row" : "column", at,
		            side_text(ck, &left), side_text(ck, &right)),
		            rule->why));
	return true;
}

/* Runs an equality over its rows or columns: those it lists, else every
 * row having all its term columns, or every column of its first term
 * row. */
static void
check_equal(checker *ck, const table_values *tv, const table_rule *rule)
{
	const table_def *t = tv->table;
	const value_row *first;
	bool failed = false;
	size_t i;

	if (rule_uses_previous(rule) &&
	    find_table_values(ck->previous, t->id) == NULL)
		return;
	if (rule->only != NULL) {
		for (i = 0; i < rule->only_count; i++)
			failed |= check_equal_at(ck, tv, rule, rule->only[i], failed);
	} else if (rule->per_row) {
		for (i = 0; i < t->value_row_count; i++)
			if (table_rule_applies_to_row(rule, &t->value_rows[i]))
				failed |= check_equal_at(ck, tv, rule, t->value_rows[i].id,
				                         failed);
	} else {
		first = &t->value_rows[value_row_index(t, rule->left[0].id)];
		for (i = 0; i < first->column_count; i++)
			failed |= check_equal_at(ck, tv, rule, first->columns[i], failed);
	}
}

/* ---- zero rules --------------------------------------------------------- */

/* The suffix of agency the rule lists, or NULL when it lists none. */
static const char *
matching_suffix(const table_rule *rule, const char *agency)
{
	size_t n = agency != NULL ? strlen(agency) : 0, i;

	for (i = 0; i < rule->agency_suffix_count; i++) {
		size_t m = strlen(rule->agency_suffixes[i]);
		if (n >= m && strcmp(agency + n - m, rule->agency_suffixes[i]) == 0)
			return rule->agency_suffixes[i];
	}
	return NULL;
}

/* Checks that every value of one row is 0, naming those that are not. */
static void
check_zero_row(checker *ck, const table_values *tv, const table_rule *rule,
               const char *row_id, const char *kind)
{
	const table_def *t = tv->table;
	const value_row *row = &t->value_rows[value_row_index(t, row_id)];
	side nonzero = empty_side(true);
	diag_context ctx = { rule->id, t->id, row_id, NULL };
	size_t k;

	for (k = 0; k < row->column_count; k++) {
		const cell_value *cell = report_cell(tv, row_id, row->columns[k]);
		exact_decimal value;

		if (!cell_number(cell, &value) || value.scaled == 0)
			continue;
		nonzero.text = arena_printf(ck->a, "%s%s%s(%s)", nonzero.text,
		                            nonzero.terms++ ? ", " : "",
		                            row->columns[k], format_number(ck, value));
		side_note_position(&nonzero, cell);
	}
	if (nonzero.terms == 0)
		return;
	report_failure(ck, rule->level, nonzero.first_given != NULL ?
	               nonzero.first_given->pos : ck->table_pos, &ctx,
	               with_reason(ck, arena_printf(ck->a,
	                           "%s row %s: %s should be 0, since %s is a %s",
	                           t->id, row_id, nonzero.text, ck->r->agency,
	                           kind), rule->why));
}

/* Checks a zero rule's rows when the agency is of a kind it names. */
static void
check_zero(checker *ck, const table_values *tv, const table_rule *rule)
{
	const char *kind = matching_suffix(rule, ck->r->agency);
	size_t i;

	for (i = 0; kind != NULL && i < rule->zero_row_count; i++)
		check_zero_row(ck, tv, rule, rule->zero_rows[i], kind);
}

/* ---- text rules --------------------------------------------------------- */

/* Clause ends: the text between two of these is matched on its own, so
 * a pattern's ".*" never reaches into the next clause. */
static const char *const clause_ends[] = {
	"。", "，", "；", "：", "！", "？", ";", "!", "?", NULL
};

/* Bytes of the clause end at s, or 0 when s does not start with one.
 * Every clause end starts with 0xE3, 0xEF or is ASCII punctuation, so
 * most bytes are turned away before comparing (this runs per byte of
 * every paragraph, for every text rule). */
static size_t
clause_end_length(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t i, n;

	if (c != 0xe3 && c != 0xef && c != ';' && c != '!' && c != '?')
		return 0;
	for (i = 0; clause_ends[i] != NULL; i++) {
		n = strlen(clause_ends[i]);
		if (strncmp(s, clause_ends[i], n) == 0)
			return n;
	}
	return 0;
}

/* A cell of a text rule as messages name it: "[一, 总计]", the row's
 * name and the column. */
static const char *
cell_ref_name(checker *ck, const table_def *t, const cell_ref *ref)
{
	return arena_printf(ck->a, "[%s, %s]",
	                    value_row_name(&t->value_rows[value_row_index(t, ref->row)]),
	                    ref->column);
}

/* The values a text rule compares with, as a side: one cell, or several
 * that are added up. */
static bool
text_rule_side(checker *ck, const table_values *tv, const table_rule *rule,
               side *out)
{
	size_t i;

	for (i = 0; i < rule->cell_count; i++) {
		const cell_ref *ref = &rule->cells[i];
		exact_decimal value;

		if (!cell_number(report_cell(tv, ref->row, ref->column), &value))
			return false;
		side_add(ck, out, out->with_text ?
		         cell_ref_name(ck, tv->table, ref) : NULL, value, false);
	}
	return rule->cell_count > 0;
}

/* What the table says, for a text rule's message: "[一, 总计] is 38", or
 * for several cells "[a, 总计](1) + [b, 总计](0) = 1". */
static const char *
text_rule_values(checker *ck, const table_def *t, const table_rule *rule,
                 const side *cells)
{
	if (cells->terms > 1)
		return side_text(ck, cells);
	return arena_printf(ck->a, "%s is %s", cell_ref_name(ck, t, &rule->cells[0]),
	                    format_total(ck, cells->total));
}

/* Compares the number one match states with the rule's cells and
 * reports a difference at the paragraph. */
static void
check_text_match(checker *ck, const table_values *tv, const table_rule *rule,
                 const block *paragraph, const char *match, size_t length,
                 const char *number)
{
	side cells = empty_side(false);
	signed_total stated = { { 0, 0 }, { 0, 0 }, false };
	diag_context ctx = { rule->id, tv->table->id, rule->cells[0].row,
	                     rule->cells[0].column };
	exact_decimal value;
	bool comparable;

	if (!exact_decimal_parse(number, &value) ||
	    !text_rule_side(ck, tv, rule, &cells))
		return;
	total_add(&stated, value, false);
	if (totals_equal(stated, cells.total, &comparable))
		return;
	cells = empty_side(true);
	text_rule_side(ck, tv, rule, &cells);
	report_failure(ck, rule->level, paragraph->pos, &ctx, with_reason(ck,
		arena_printf(ck->a, "'%.*s' says %s, but %s %s", (int)length, match,
		             format_number(ck, value), tv->table->id,
		             text_rule_values(ck, tv->table, rule, &cells)),
		rule->why));
}

/* Finds every match of re in one clause and checks what it states. */
static void
check_text_clause(checker *ck, const table_values *tv, const table_rule *rule,
                  const regex_t *re, const block *paragraph,
                  const char *clause)
{
	regmatch_t m[MAX_GROUPS];
	const char *at = clause, *number;
	int flags = 0;

	if (rule->literal != NULL && strstr(clause, rule->literal) == NULL)
		return;                         /* no match can be here */
	while (*at != '\0' && regexec(re, at, MAX_GROUPS, m, flags) == 0) {
		if (m[0].rm_eo == 0)
			break;
		number = rule->value;
		if (rule->group > 0 && m[rule->group].rm_so >= 0)
			number = arena_strndup(ck->a, at + m[rule->group].rm_so,
			                       (size_t)(m[rule->group].rm_eo -
			                                m[rule->group].rm_so));
		if (number != NULL)
			check_text_match(ck, tv, rule, paragraph, at + m[0].rm_so,
			                 (size_t)(m[0].rm_eo - m[0].rm_so), number);
		at += m[0].rm_eo;
		flags = REG_NOTBOL;
	}
}

/* Runs a compiled text rule over one paragraph, clause by clause. */
static void
check_text_paragraph(checker *ck, const table_values *tv,
                     const table_rule *rule, const regex_t *re,
                     const block *paragraph)
{
	const char *s = paragraph->text, *start = s;
	size_t end;

	for (;; s++) {
		end = *s != '\0' ? clause_end_length(s) : 1;
		if (end == 0)
			continue;
		if (s > start)
			check_text_clause(ck, tv, rule, re, paragraph,
			                  arena_strndup(ck->a, start, (size_t)(s - start)));
		if (*s == '\0')
			return;
		s += end - 1;
		start = s + 1;
	}
}

/* Whether a paragraph may hold a match: every match contains the
 * rule's literal, and most paragraphs do not, so most are passed over
 * without splitting them into clauses. */
static bool
may_match(const table_rule *rule, const block *b)
{
	return b->kind == BLOCK_PARAGRAPH &&
	       (rule->literal == NULL || strstr(b->text, rule->literal) != NULL);
}

/* Runs a text rule over every paragraph of the report, with the pattern
 * the layout loader compiled (or, for a layout built otherwise, one
 * compiled here). */
static void
check_text(checker *ck, const table_values *tv, const table_rule *rule)
{
	const regex_t *re = rule->compiled;
	regex_t own;
	size_t i;

	if (rule->pattern == NULL)
		return;
	if (re == NULL) {
		if (regcomp(&own, rule->pattern, REG_EXTENDED) != 0)
			return;
		re = &own;
	}
	for (i = 0; i < ck->r->block_count; i++)
		if (may_match(rule, &ck->r->blocks[i]))
			check_text_paragraph(ck, tv, rule, re, &ck->r->blocks[i]);
	if (re == &own)
		regfree(&own);
}

/* ---- the report --------------------------------------------------------- */

/* Checks the table of block b: its given totals, then its rules in
 * layout order. */
static void
check_table(checker *ck, const block *b)
{
	const table_values *tv = b->table;
	const table_def *t = tv->table;
	size_t i;

	ck->table_pos = b->pos;
	for (i = 0; i < t->sum_count; i++)
		check_sum(ck, tv, &t->sums[i]);
	for (i = 0; i < t->rule_count; i++) {
		const table_rule *rule = &t->rules[i];

		if (rule->kind == RULE_EQUAL)
			check_equal(ck, tv, rule);
		else if (rule->kind == RULE_ZERO)
			check_zero(ck, tv, rule);
		else
			check_text(ck, tv, rule);
	}
}

/* Accepts last year's report when it uses the same layout, since the
 * cross-year rules compare rows and columns by id; warns when its year
 * is not the year before. */
static const report *
usable_previous(checker *ck, const report *previous)
{
	source_pos where = source_pos_file(previous->source);

	if (previous->layout == NULL || ck->r->layout == NULL ||
	    strcmp(previous->layout->name, ck->r->layout->name) != 0) {
		diag_report(ck->diag, DIAG_ERROR, where, "the previous report uses "
		            "layout %s, not %s; the rules comparing the two years "
		            "are skipped", previous->layout ? previous->layout->name
		            : "(none)", ck->r->layout ? ck->r->layout->name : "(none)");
		ck->failed = true;
		return NULL;
	}
	if (previous->year != ck->r->year - 1)
		diag_report(ck->diag, DIAG_WARNING, where, "the previous report is "
		            "for %d, not %d", previous->year, ck->r->year - 1);
	return previous;
}

/* Evaluates every rule of the report's layout, table by table in the
 * order of the report; false when an error-level rule failed. */
bool
check_report(const report *r, const report *previous, diag_sink *diag)
{
	checker ck = { arena_create(), r, NULL, diag, false, { NULL, 0, 0 } };
	size_t i;

	if (previous != NULL)
		ck.previous = usable_previous(&ck, previous);
	for (i = 0; i < r->block_count; i++)
		if (r->blocks[i].kind == BLOCK_TABLE && r->blocks[i].table != NULL)
			check_table(&ck, &r->blocks[i]);
	arena_destroy(ck.a);
	return !ck.failed;
}
