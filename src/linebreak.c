/*
 * linebreak.c - Chinese line breaking and justification (typography.md
 * §7-§10): character classes, breaking units, greedy and balanced line
 * breaking with "先挤进，后推出", and placement of every character.
 */
#include "linebreak.h"

#include <string.h>

#include "utf8.h"

/* An inclusive code point range, for the class tables below. */
typedef struct cp_range {
	uint32_t lo, hi;
} cp_range;

/* True when cp is one of the count code points in set.
 * The sets are a few dozen entries, so a linear scan is fastest. */
static bool
in_set(uint32_t cp, const uint32_t *set, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (set[i] == cp)
			return true;
	return false;
}

/* True when cp lies in one of the count inclusive ranges.
 * Used for the Unicode blocks, which are few and contiguous. */
static bool
in_ranges(uint32_t cp, const cp_range *ranges, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return true;
	return false;
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Han ideographs: URO, extensions A-I, compatibility ideographs, 〇. */
static const cp_range han_ranges[] = {
	{ 0x3007, 0x3007 },      /* 〇 */
	{ 0x3400, 0x4DBF },      /* extension A */
	{ 0x4E00, 0x9FFF },      /* unified ideographs */
	{ 0xF900, 0xFAFF },      /* compatibility ideographs */
	{ 0x20000, 0x2FA1F },    /* extensions B-F, I, compatibility supplement */
	{ 0x30000, 0x323AF },    /* extensions G, H */
};

/* Letters that sit on a 1 em frame like Han (full-width Latin and digits,
 * kana, hangul, bopomofo, radicals): each is its own breaking unit. */
static const cp_range wide_letter_ranges[] = {
	{ 0x2E80, 0x2FDF },      /* CJK and Kangxi radicals */
	{ 0x3040, 0x30FA },      /* hiragana, katakana (30FB is an interpunct) */
	{ 0x30FC, 0x30FF },
	{ 0x3100, 0x312F },      /* bopomofo */
	{ 0xAC00, 0xD7AF },      /* hangul */
	{ 0xFF10, 0xFF19 },      /* full-width digits */
	{ 0xFF21, 0xFF3A },      /* full-width Latin capitals */
	{ 0xFF41, 0xFF5A },      /* full-width Latin small letters */
};

/* Full-width (CJK) punctuation and symbols: spaces next to them are
 * artefacts of Word's CJK/Latin spacing and are removed. */
static const cp_range cjk_punct_ranges[] = {
	{ 0x00B7, 0x00B7 },      /* · 间隔号 */
	{ 0x2014, 0x2014 },      /* — */
	{ 0x2018, 0x201F },      /* curly quotes */
	{ 0x2026, 0x2027 },      /* … ‧ */
	{ 0x22EF, 0x22EF },      /* ⋯ */
	{ 0x2E3A, 0x2E3B },      /* two- and three-em dashes */
	{ 0x3000, 0x3006 },      /* ideographic space, 、。〃 etc. */
	{ 0x3008, 0x303F },      /* brackets and marks (3007 〇 is Han) */
	{ 0x30FB, 0x30FB },      /* ・ */
	{ 0xFE10, 0xFE1F },      /* vertical forms */
	{ 0xFE30, 0xFE4F },      /* CJK compatibility forms */
	{ 0xFF01, 0xFF0F },      /* full-width ASCII punctuation */
	{ 0xFF1A, 0xFF20 },
	{ 0xFF3B, 0xFF40 },
	{ 0xFF5B, 0xFF65 },
	{ 0xFFE0, 0xFFE6 },      /* full-width currency and signs */
};

/* 行首禁则, typography.md §7.1 (strict level) with its implementation
 * extras. */
static const uint32_t no_start_set[] = {
	0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,  /* 、，。；：？！ */
	0x201D, 0x2019, 0x300D, 0x300F,                          /* ”’」』 */
	0xFF09, 0x3015, 0xFF3D, 0x3011, 0x3017, 0xFF5D,          /* ）〕］】〗｝ */
	0x300B, 0x3009,                                          /* 》〉 */
	0x2013, 0x2014, 0xFF5E, 0x002D, 0xFF0D,                  /* – — ～ - － */
	0x00B7, 0x30FB, 0x2027,                                  /* · ・ ‧ */
	0xFF0F, 0x002F,                                          /* ／ / */
	0x2E3A, 0x2026, 0x22EF,                                  /* ⸺ … ⋯ (strict) */
	',', '.', ';', ':', '?', '!', ')', ']', '}',             /* extras */
	'%', 0x2030, 0x2103, 0x00B0,                             /* % ‰ ℃ ° */
};

/* 行尾禁则, typography.md §7.2 with its implementation extras. */
static const uint32_t no_end_set[] = {
	0x201C, 0x2018, 0x300C, 0x300E,                          /* “‘「『 */
	0xFF08, 0x3014, 0xFF3B, 0x3010, 0x3016, 0xFF5B,          /* （〔［【〖｛ */
	0x300A, 0x3008,                                          /* 《〈 */
	0xFF0F, 0x002F,                                          /* ／ / */
	'(', '[', '{', 0xFFE5, 0x00A5, '$', 0xFF04,              /* extras */
};

/* Han ideographs by block; full-width digits are Han-like but not Han
 * (is_han_like), so this stays a true script test. */
bool
lb_is_han(uint32_t cp)
{
	return in_ranges(cp, han_ranges, COUNT(han_ranges));
}

/* White space that may end a line and is dropped there; U+3000 too, as
 * authors use it for gaps that a line end makes meaningless. */
bool
lb_is_space(uint32_t cp)
{
	/* No-break spaces (00A0, 202F) are deliberately not break points. */
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	       cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
}

/* Characters that form unbreakable digit/Latin runs and get the ¼ em
 * gap next to Han; full-width digits deliberately are not among them. */
bool
lb_is_digit_or_latin(uint32_t cp)
{
	if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 'a' && cp <= 'z'))
		return true;
	/* Latin-1 letters (skipping × and ÷), Latin Extended-A/B and
	 * Latin Extended Additional. */
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* 行首禁则: the mark may not begin a line (typography.md §7.1).
 * A break before it is never taken; it goes down with its predecessor. */
bool
lb_no_line_start(uint32_t cp)
{
	return in_set(cp, no_start_set, COUNT(no_start_set));
}

/* 行尾禁则: the mark may not end a line (typography.md §7.2).
 * A break after it is never taken; it goes down with what follows. */
bool
lb_no_line_end(uint32_t cp)
{
	return in_set(cp, no_end_set, COUNT(no_end_set));
}

/* Han or another letter set on a 1 em frame (full-width digits too).
 * These break like Han and get the Han/Latin gap next to Latin. */
static bool
is_han_like(uint32_t cp)
{
	return lb_is_han(cp) ||
	       in_ranges(cp, wide_letter_ranges, COUNT(wide_letter_ranges));
}

/* Han-like or full-width punctuation: the characters next to which a
 * pasted space is a layout artefact rather than a word space. */
static bool
is_wide(uint32_t cp)
{
	return is_han_like(cp) ||
	       in_ranges(cp, cjk_punct_ranges, COUNT(cjk_punct_ranges));
}

/* ASCII white space, the only kind lb_normalize_spaces folds or drops.
 * U+3000 is kept: authors type it on purpose (indents, 签署 gaps). */
static bool
is_ascii_white(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Drops spaces Word put between Han and Latin (the layout adds its own
 * gap), and folds the rest; one pass, output never longer than input. */
char *
lb_normalize_spaces(arena *a, const char *text)
{
	size_t len = strlen(text), i = 0, o = 0, used;
	char *out = arena_alloc(a, len + 1);   /* never grows */
	bool pending_space = false, prev_wide = false, have_prev = false;
	uint32_t cp;

	while (i < len) {
		if (is_ascii_white(text[i])) {
			pending_space = have_prev;      /* drops leading space */
			i++;
			continue;
		}
		used = utf8_decode(text + i, len - i, &cp);
		if (used == 0) {                        /* pass bad bytes through */
			used = 1;
			cp = 0xFFFD;
		}
		/* A space survives only between two non-wide characters
		 * (Latin words); next to Han or full-width marks it goes. */
		if (pending_space && !prev_wide && !is_wide(cp))
			out[o++] = ' ';
		memcpy(out + o, text + i, used);
		o += used;
		i += used;
		pending_space = false;
		prev_wide = is_wide(cp);
		have_prev = true;
	}
	out[o] = '\0';                                  /* trailing space dropped */
	return out;
}

/* ------------------------------------------------------------------ */
/* Breaking units                                                      */
/* ------------------------------------------------------------------ */

#define FIT_EPS 1e-6

typedef enum unit_kind {
	UNIT_HAN,       /* a Han-like character */
	UNIT_LATIN,     /* a digit/Latin run: 2024, 4068.208, 5.3%, GB/T */
	UNIT_MARK,      /* punctuation or a symbol, ——/…… as one unit */
	UNIT_SPACE,     /* one white-space character */
} unit_kind;

typedef struct unit {
	size_t start, end;           /* characters [start, end) */
	unit_kind kind;
	double width;                /* sum of the advances */
	double em;                   /* em of its first character */
	bool no_start, no_end;       /* 行首/行尾禁则 */
	bool squeezable;             /* a full-width mark with blank to give up */
	bool connector;              /* no justification space around it */
	double loss_left, loss_right;/* blank it gives up next to a unit on the
	                                same line: in a run of marks only */
	double end_squeeze;          /* what it gives up ending a line */
	double end_shift;            /* the part of that taken on its left */
} unit;

/* Marks whose ink a GB-style font puts in the left half of their 1 em
 * frame, so their right half is blank (GB/T 15834 5.1.10, clreq); what a
 * font really does is measured (lb_set_ink). */
static const uint32_t right_blank_marks[] = {
	0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,  /* 、，。；：？！ */
	0x201D, 0x2019, 0x300D, 0x300F,                          /* ”’」』 */
	0xFF09, 0x3015, 0xFF3D, 0x3011, 0x3017, 0xFF5D,          /* ）〕］】〗｝ */
	0x300B, 0x3009,                                          /* 》〉 */
};

/* Opening marks: ink in the right half, the left half blank. */
static const uint32_t left_blank_marks[] = {
	0x201C, 0x2018, 0x300C, 0x300E,                          /* “‘「『 */
	0xFF08, 0x3014, 0xFF3B, 0x3010, 0x3016, 0xFF5B,          /* （〔［【〖｛ */
	0x300A, 0x3008,                                          /* 《〈 */
};

/* Where the ink centre must lie, as a share of the advance, for a mark
 * to count as drawn on one side; between the two it is centred. */
#define INK_LEFT_LIMIT 0.4
#define INK_RIGHT_LIMIT 0.6

/* Connectors and solidi: typography.md §9 adds no spacing around them. */
static const uint32_t connectors[] = {
	0x2013, 0x2014, 0xFF5E, '-', 0xFF0D, '/', 0xFF0F,
};

/* A letter that continues a digit/Latin run; Greek and Cyrillic too, so
 * that a formula or a foreign name is not split letter by letter. */
static bool
is_run_letter(uint32_t cp)
{
	return lb_is_digit_or_latin(cp) || (cp >= 0x370 && cp <= 0x4FF);
}

/* Postfix units that belong to the number before them (5.3%, 37℃).
 * They never start a line, so they must not form a unit of their own. */
static bool
is_postfix_unit(uint32_t cp)
{
	return cp == '%' || cp == 0x2030 || cp == 0x2103 || cp == 0x00B0 ||
	       cp == 0x2032 || cp == 0x2033;
}

/* Punctuation that stays inside a run when a letter or digit follows
 * (4068.208, 1,234, GB/T, 2021-2024, 10:30, don't). */
static bool
is_run_joiner(uint32_t cp)
{
	return cp == '.' || cp == ',' || cp == ':' || cp == '/' || cp == '-' ||
	       cp == '\'' || cp == '_' || cp == '&' || cp == '+';
}

/* End of the digit/Latin run starting at i (chars[i] is a run letter).
 * Runs are never split, so their end is decided here once. */
static size_t
run_end(const lb_char *chars, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n) {
		uint32_t cp = chars[j].cp;

		if (is_run_letter(cp) || is_postfix_unit(cp))
			j++;
		else if (is_run_joiner(cp) && j + 1 < n &&
		         is_run_letter(chars[j + 1].cp))
			j += 2;
		else
			break;
	}
	return j;
}

/* True for marks that pair up into one 2 em unit: ——, ……, ⋯⋯.
 * GB/T 15834 5.1.4/5.1.5 forbid splitting them across lines. */
static bool
is_doubled_mark(uint32_t cp)
{
	return cp == 0x2014 || cp == 0x2026 || cp == 0x22EF;
}

/* End of the unit that starts at chars[i] (i < n), and its kind.
 * Depends only on chars[i ..], so a line rescans to the same units. */
static size_t
unit_end(const lb_char *chars, size_t n, size_t i, unit_kind *kind)
{
	uint32_t cp = chars[i].cp;

	if (lb_is_space(cp)) {
		*kind = UNIT_SPACE;
		return i + 1;
	}
	if (is_run_letter(cp)) {
		*kind = UNIT_LATIN;
		return run_end(chars, n, i);
	}
	*kind = is_han_like(cp) ? UNIT_HAN : UNIT_MARK;
	if (is_doubled_mark(cp) && i + 1 < n && chars[i + 1].cp == cp)
		return i + 2;
	return i + 1;
}

/* lb_is_bracket_or_stop:
 * The stops, quotes and brackets that are drawn on one side of a 1 em
 * frame (or centred), whose blank compression takes. */
bool
lb_is_bracket_or_stop(uint32_t cp)
{
	/* an ideograph, most of any text, is none of them */
	if (lb_is_han(cp))
		return false;
	return in_set(cp, right_blank_marks, COUNT(right_blank_marks)) ||
	       in_set(cp, left_blank_marks, COUNT(left_blank_marks));
}

/* Whether cp is a full-width mark whose blank compression may take:
 * only a glyph at least ¾ em wide has a blank half to lose. */
static bool
is_squeeze_mark(uint32_t cp, double advance, double em)
{
	return em > 0 && advance >= 0.75 * em && lb_is_bracket_or_stop(cp);
}

/* lb_set_ink:
 * Ink in the left part: the right blank may go, up to half the advance;
 * in the right part: the left blank; centred (AR PL UMing's 。、): a
 * quarter on each side (clreq), never more than the blank there. */
void
lb_set_ink(lb_char *c, double x_min, double x_max)
{
	double a = c->advance, half = a / 2, centre = (x_min + x_max) / 2;
	double left = x_min > 0 ? x_min : 0;
	double right = a - x_max > 0 ? a - x_max : 0;

	c->ink_known = true;
	c->squeeze_left = c->squeeze_right = 0;
	if (!is_squeeze_mark(c->cp, a, c->em) || x_max < x_min)
		return;
	if (centre <= INK_LEFT_LIMIT * a) {
		c->squeeze_right = right < half ? right : half;
	} else if (centre >= INK_RIGHT_LIMIT * a) {
		c->squeeze_left = left < half ? left : half;
	} else {
		c->squeeze_left = left < half / 2 ? left : half / 2;
		c->squeeze_right = right < half / 2 ? right : half / 2;
	}
}

/* The blank chars[i] may give up on each side: measured (lb_set_ink), or
 * by its class as a GB-style font draws it. */
static void
squeeze_of(const lb_char *c, double *left, double *right)
{
	*left = *right = 0;
	if (c->ink_known) {
		*left = c->squeeze_left;
		*right = c->squeeze_right;
	} else if (is_squeeze_mark(c->cp, c->advance, c->em)) {
		if (in_set(c->cp, right_blank_marks, COUNT(right_blank_marks)))
			*right = c->advance / 2;
		else
			*left = c->advance / 2;
	}
}

/* Whether chars[i] is a single mark with blank to give up. */
static bool
squeezable_at(const lb_char *chars, size_t i)
{
	double left, right;

	squeeze_of(&chars[i], &left, &right);
	return left + right > 0;
}

/* The compression of a one-character mark unit among chars [lo, n): in a
 * run of marks (。” ）、 “《) every mark gives up its blank on both
 * sides, so the run takes half an em per mark (tight style: 。” is 1 em);
 * a lone mark keeps its full width but at a line end, where its blank
 * goes (a centred mark's left part by moving left). */
static void
squeeze_unit(const lb_char *chars, size_t lo, size_t n, unit *u)
{
	size_t i = u->start;
	double left, right;
	bool run;

	squeeze_of(&chars[i], &left, &right);
	u->squeezable = left + right > 0;
	if (!u->squeezable)
		return;
	run = (i > lo && squeezable_at(chars, i - 1)) ||
	      (i + 1 < n && squeezable_at(chars, i + 1));
	u->loss_left = run && i > lo ? left : 0;
	u->loss_right = run && i + 1 < n ? right : 0;
	u->end_shift = u->loss_left == 0 && right > 0 ? left : 0;
	u->end_squeeze = right + u->end_shift;
}

/* The breaking unit starting at chars[i] with its width and rule flags;
 * chars [lo, n) are its neighbours on the line (or the paragraph).
 * Everything the breaker and the placer need to know about it. */
static unit
scan_unit(const lb_char *chars, size_t lo, size_t n, size_t i)
{
	unit u = { .start = i, .em = chars[i].em };
	uint32_t first = chars[i].cp;
	size_t j;

	u.end = unit_end(chars, n, i, &u.kind);
	for (j = i; j < u.end; j++)
		u.width += chars[j].advance;
	/* A letter is never a mark: no 禁则, no blank to give up, no
	 * connector.  Most of a report is Han, so skipping the mark tables
	 * here saves most of the breaker's time. */
	if (u.kind == UNIT_HAN)
		return u;
	u.no_start = lb_no_line_start(first);
	u.no_end = lb_no_line_end(chars[u.end - 1].cp);
	if (u.end == i + 1) {
		squeeze_unit(chars, lo, n, &u);
		u.connector = in_set(first, connectors, COUNT(connectors));
	}
	return u;
}

/* Space between two adjacent units on one line: gap_em of the Han
 * character's em between Han and a digit/Latin run (typography.md §10),
 * less the blank marks in a run give up to each other.  Two marks never
 * come closer than half an em (”“ and ：“ take 1.5 em): glyphs drawn on
 * one spot would read back in the wrong order (pdftotext). */
static double
unit_gap(const unit *left, const unit *right, double gap_em)
{
	double squeeze = left->loss_right + right->loss_left;
	double most = (left->em < right->em ? left->em : right->em) / 2;

	if (squeeze > most)
		squeeze = most;

	if (left->kind == UNIT_HAN && right->kind == UNIT_LATIN)
		return gap_em * left->em - squeeze;
	if (left->kind == UNIT_LATIN && right->kind == UNIT_HAN)
		return gap_em * right->em - squeeze;
	return -squeeze;
}

/* Length of an ASCII digit string at chars[i ..], 0 if none.
 * Used to recognise 〔2021〕30号 document numbers. */
static size_t
digits_at(const lb_char *chars, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && chars[j].cp >= '0' && chars[j].cp <= '9')
		j++;
	return j - i;
}

/* If chars[i ..] is a 〔2021〕30号 (or 〔2021〕第30号) document number,
 * returns the index after 号, else 0: [practice] keeps it on one line. */
static size_t
doc_number_end(const lb_char *chars, size_t n, size_t i)
{
	size_t j = i + 1, d;

	if (chars[i].cp != 0x3014)                      /* 〔 */
		return 0;
	if ((d = digits_at(chars, n, j)) == 0)
		return 0;
	j += d;
	if (j >= n || chars[j].cp != 0x3015)            /* 〕 */
		return 0;
	j++;
	if (j < n && chars[j].cp == 0x7B2C)             /* 第 */
		j++;
	if ((d = digits_at(chars, n, j)) == 0)
		return 0;
	j += d;
	if (j >= n || chars[j].cp != 0x53F7)            /* 号 */
		return 0;
	return j + 1;
}

/* ------------------------------------------------------------------ */
/* Boxes: runs of units with no legal break inside                     */
/* ------------------------------------------------------------------ */

typedef struct box {
	size_t start, end;           /* characters [start, end) */
	size_t visible_end;          /* end of the last non-space unit */
	double width;                /* units and inner gaps, spaces included */
	double visible;              /* width without the trailing spaces */
	double compress;             /* saved if it ends a line compressed */
	unit first, last;            /* its first and last units (for gaps) */
} box;

/* Whether a line may break between the units before and next.
 * last_visible is the last non-space unit, so "（ " cannot end a line. */
static bool
may_break_before(const unit *last_visible, const unit *next,
                 size_t glued_until)
{
	if (next->kind == UNIT_SPACE || next->no_start)
		return false;
	if (next->start < glued_until)
		return false;
	return last_visible == NULL || !last_visible->no_end;
}

/* Adds unit u (after the gap from the previous unit) to box b.
 * Keeps the visible width and the line-end compression up to date. */
static void
box_add(box *b, const unit *u, double gap)
{
	b->width += gap + u->width;
	b->end = u->end;
	b->last = *u;
	if (u->kind != UNIT_SPACE) {
		b->visible = b->width;
		b->visible_end = u->end;
		b->compress = u->end_squeeze;
	}
}

/* The box starting at chars[i]: units joined by 禁则, runs, document
 * numbers, and the spaces after them.  O(length of the box). */
static box
scan_box(const lb_char *chars, size_t n, size_t i, double gap_em)
{
	box b = { .start = i, .visible_end = i };
	unit u = scan_unit(chars, 0, n, i), next, last_visible;
	bool have_visible = u.kind != UNIT_SPACE;
	size_t glued_until = doc_number_end(chars, n, i);

	b.first = u;
	box_add(&b, &u, 0);
	last_visible = u;
	while (u.end < n) {
		next = scan_unit(chars, 0, n, u.end);
		if (may_break_before(have_visible ? &last_visible : NULL,
		                     &next, glued_until))
			break;
		box_add(&b, &next, unit_gap(&u, &next, gap_em));
		if (next.kind != UNIT_SPACE) {
			last_visible = next;
			have_visible = true;
		}
		if (doc_number_end(chars, n, next.start) > glued_until)
			glued_until = doc_number_end(chars, n, next.start);
		u = next;
	}
	return b;
}

/* Gap between box a and box b when they share a line. */
static double
box_gap(const box *a, const box *b, double gap_em)
{
	return unit_gap(&a->last, &b->first, gap_em);
}

/* ------------------------------------------------------------------ */
/* Greedy breaking                                                     */
/* ------------------------------------------------------------------ */

typedef enum fit {
	FIT_NO,
	FIT_NATURAL,
	FIT_COMPRESSED,              /* fits once its end mark takes ½ em */
} fit;

/* How a line ending with a box fits: naturally, with its line-end mark
 * compressed (先挤进), or not at all (then 后推出 moves the box down). */
static fit
fit_line(double visible, double compress, double avail)
{
	if (visible <= avail + FIT_EPS)
		return FIT_NATURAL;
	if (compress > 0 && visible - compress <= avail + FIT_EPS)
		return FIT_COMPRESSED;
	return FIT_NO;
}

/* Usable width of a line: the first is narrower by the indent. */
static double
line_avail(const lb_params *p, bool first_line)
{
	return p->width - (first_line ? p->first_indent : 0);
}

/* A growing arena array of lines (lb_break does not know the count). */
typedef struct line_list {
	arena *a;
	lb_line *items;
	size_t count, cap;
} line_list;

/* Appends a line, doubling the array when full: amortised O(1).  Most
 * texts broken are table cells of one line, so it starts small. */
static void
line_list_push(line_list *list, const lb_line *line)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 4;

		list->items = arena_grow(list->a, list->items, list->count, cap,
		                         sizeof(*list->items));
		list->cap = cap;
	}
	list->items[list->count++] = *line;
}

/* The line being filled by lb_break: its boxes so far. */
typedef struct open_line {
	bool empty;
	size_t start, end;
	double width;                /* spaces between words included */
	double visible;              /* trailing spaces excluded */
	box last;                    /* its last box, for the next gap */
} open_line;

/* Puts box b on the open line after gap. */
static void
open_line_add(open_line *line, const box *b, double gap)
{
	if (line->empty)
		line->start = b->start;
	line->visible = line->width + gap + b->visible;
	line->width += gap + b->width;
	line->end = b->end;
	line->last = *b;
	line->empty = false;
}

/* Closes the open line into list; compressed takes the half em off. */
static void
open_line_close(open_line *line, line_list *list, bool compressed)
{
	lb_line out = {
		.start = line->start,
		.end = line->end,
		.natural_width = line->visible -
		                 (compressed ? line->last.compress : 0),
		.end_compressed = compressed,
	};

	line_list_push(list, &out);
	*line = (open_line){ .empty = true };
}

/* Places box b on the open line or, when it does not fit, closes the
 * line and starts the next one with it (the whole box moves down). */
static void
greedy_step(open_line *line, line_list *list, const box *b,
            const lb_params *p)
{
	double avail = line_avail(p, list->count == 0);
	double gap = line->empty ? 0 : box_gap(&line->last, b, p->gap_em);
	fit f = fit_line(line->width + gap + b->visible, b->compress, avail);

	if (f == FIT_NO && !line->empty) {
		open_line_close(line, list, false);     /* 后推出 */
		avail = line_avail(p, false);
		gap = 0;
		f = fit_line(b->visible, b->compress, avail);
	}
	/* An empty line takes any box, even one wider than the line. */
	open_line_add(line, b, gap);
	if (f == FIT_COMPRESSED)
		open_line_close(line, list, true);      /* 先挤进 */
}

/* Greedy first fit over boxes with 先挤进，后推出: O(n), one pass.
 * First fit gives the fewest lines, which lb_break_balanced relies on. */
size_t
lb_break(arena *a, const lb_char *chars, size_t n, const lb_params *p,
         lb_line **lines)
{
	line_list list = { .a = a };
	open_line line = { .empty = true };
	size_t i = 0;
	box b;

	*lines = NULL;
	while (i < n) {
		b = scan_box(chars, n, i, p->gap_em);
		greedy_step(&line, &list, &b, p);
		i = b.end;
	}
	if (!line.empty)
		open_line_close(&line, &list, false);
	if (list.count > 0)
		list.items[list.count - 1].last = true;
	*lines = list.items;
	return list.count;
}

/* ------------------------------------------------------------------ */
/* Balanced breaking (titles)                                          */
/* ------------------------------------------------------------------ */

/* Preferred breaks are taken if the lines stay within this share of the
 * line width of each other; the search gives up after this much work. */
#define BALANCE_TOLERANCE 0.4
#define BALANCE_BUDGET 2000000
/* Titles run to a few lines; beyond this the greedy lines are kept. */
#define BALANCE_MAX_LINES 8

/* The boxes of a paragraph with where each starts on one endless line,
 * so the width of any run of boxes is a subtraction. */
typedef struct box_table {
	box *boxes;
	double *offset;              /* x where box i starts */
	size_t count;
	size_t *preferred_before;    /* count_preferred, or NULL for none */
} box_table;

/* Splits chars into boxes and lays them end to end: O(n). */
static box_table
build_box_table(arena *a, const lb_char *chars, size_t n, double gap_em)
{
	box_table t = { 0 };
	size_t i = 0, cap = 0;

	while (i < n) {
		if (t.count == cap) {
			size_t grown = cap ? 2 * cap : 16;

			t.boxes = arena_grow(a, t.boxes, t.count, grown,
			                     sizeof(*t.boxes));
			cap = grown;
		}
		t.boxes[t.count] = scan_box(chars, n, i, gap_em);
		i = t.boxes[t.count++].end;
	}
	t.offset = arena_calloc(a, t.count + 1, sizeof(*t.offset));
	for (i = 1; i < t.count; i++)
		t.offset[i] = t.offset[i - 1] + t.boxes[i - 1].width +
		              box_gap(&t.boxes[i - 1], &t.boxes[i], gap_em);
	return t;
}

/* How boxes [from, to) fit as one line; *width receives the width they
 * take (compressed if need be, first-line indent excluded). */
static fit
table_fit(const box_table *t, size_t from, size_t to, double avail,
          double *width)
{
	const box *last = &t->boxes[to - 1];
	double visible = t->offset[to - 1] + last->visible - t->offset[from];
	fit f = fit_line(visible, last->compress, avail);

	*width = f == FIT_COMPRESSED ? visible - last->compress : visible;
	return f;
}

/* need[b]: fewest full-width lines for boxes [b, count), by the greedy
 * rule (optimal here); the search prunes with it.  The longest line from
 * box b never ends after the longest from b + 1, so one end pointer
 * walks back through the boxes once: O(count), where trying every end
 * from b anew took O(count^2) on a long two-line title. */
static size_t *
lines_needed(arena *a, const box_table *t, const lb_params *p)
{
	size_t *need = arena_calloc(a, t->count + 1, sizeof(*need));
	size_t b, end = t->count;
	double w;

	for (b = t->count; b-- > 0;) {
		while (end > b + 1 &&
		       table_fit(t, b, end, line_avail(p, false), &w) == FIT_NO)
			end--;
		need[b] = 1 + need[end];
	}
	return need;
}

/* Counts the preferred breaks before each character (before[i] for
 * chars [0, i)), so a run of spaces is asked about in O(1). */
static size_t *
count_preferred(arena *a, const bool *preferred, size_t n)
{
	size_t *before = arena_calloc(a, n + 1, sizeof(*before));
	size_t i;

	for (i = 0; i < n; i++)
		before[i + 1] = before[i] + (preferred[i] ? 1 : 0);
	return before;
}

/* Whether the break before box b is one the caller prefers: before the
 * box itself or before the spaces that end the previous box. */
static bool
is_preferred_break(const box_table *t, size_t b)
{
	if (t->preferred_before == NULL)
		return false;
	return t->preferred_before[t->boxes[b].start + 1] >
	       t->preferred_before[t->boxes[b - 1].visible_end];
}

/* A title line narrower than this many ems reads as a character or two
 * left alone; lines within SHAPE_SLACK em count as equally long. */
#define SHORT_LINE_EM 2.5
#define SHAPE_SLACK_EM 0.5

/* One way to break into lines and how good it is. */
typedef struct candidate {
	bool found;
	bool no_short;               /* no line of one or two characters */
	bool within;                 /* imbalance within the tolerance */
	bool shaped;                 /* 梯形 (each line no longer than the one
	                                above) or 菱形 (longest in the middle) */
	size_t not_preferred;        /* breaks the caller did not prefer */
	double imbalance;            /* longest minus shortest line, pt */
} candidate;

/* Ranks c against best: no lonely characters, within tolerance, fewer
 * non-preferred breaks (phrases kept whole), the shape, then better
 * balance; beyond the tolerance, balance alone. */
static bool
candidate_better(const candidate *c, const candidate *best)
{
	if (!best->found)
		return true;
	if (c->no_short != best->no_short)
		return c->no_short;
	if (c->within != best->within)
		return c->within;
	if (c->within && c->not_preferred != best->not_preferred)
		return c->not_preferred < best->not_preferred;
	if (c->within && c->shaped != best->shaped)
		return c->shaped;
	return c->imbalance < best->imbalance - FIT_EPS;
}

/* Whether line widths w[0..k) make a 梯形 (never longer than the line
 * above) or, from three lines, a 菱形 (rising to a middle line, then
 * falling); slack is how much longer still counts as equal. */
static bool
is_title_shape(const double *w, size_t k, double slack)
{
	size_t j = 0;

	while (j + 1 < k && w[j + 1] > w[j] + slack)
		j++;                            /* rising: the 菱形's top half */
	if (j > 0 && (k < 3 || j == k - 1))
		return false;
	for (; j + 1 < k; j++)
		if (w[j + 1] > w[j] + slack)
			return false;
	return true;
}

/* Scores breaks brk[0..k] (box indices, brk[0] = 0, brk[k] = count). */
static candidate
score_breaks(const box_table *t, const size_t *brk, size_t k,
             const lb_params *p)
{
	candidate c = { .found = true, .no_short = true };
	double w[BALANCE_MAX_LINES], lo = 0, hi = 0;
	double em = t->boxes[0].first.em;
	size_t j;

	for (j = 0; j < k; j++) {
		table_fit(t, brk[j], brk[j + 1], line_avail(p, j == 0), &w[j]);
		if (w[j] < SHORT_LINE_EM * em)
			c.no_short = false;
		if (j == 0)
			w[j] += p->first_indent;
		lo = j == 0 || w[j] < lo ? w[j] : lo;
		hi = j == 0 || w[j] > hi ? w[j] : hi;
		if (j > 0 && !is_preferred_break(t, brk[j]))
			c.not_preferred++;
	}
	c.imbalance = hi - lo;
	c.within = c.imbalance <= BALANCE_TOLERANCE * p->width + FIT_EPS;
	c.shaped = is_title_shape(w, k, SHAPE_SLACK_EM * em);
	return c;
}

/* Depth-first search, without recursion, over every way to set the
 * boxes on exactly k lines that fit; keeps the best in best_brk. */
static bool
search_breaks(arena *a, const box_table *t, size_t k, const lb_params *p,
              size_t *best_brk)
{
	size_t *brk = arena_calloc(a, k + 1, sizeof(*brk));
	size_t *need = lines_needed(a, t, p);
	candidate best = { 0 }, c;
	size_t d = 1, work = 0;
	double w;

	brk[k] = t->count;
	while (d >= 1 && work++ < BALANCE_BUDGET) {
		brk[d]++;
		if (brk[d] >= t->count ||
		    table_fit(t, brk[d - 1], brk[d], line_avail(p, d == 1),
		              &w) == FIT_NO) {
			d--;                            /* longer lines fit no better */
			continue;
		}
		if (need[brk[d]] > k - d)
			continue;                       /* the rest would not fit */
		if (d < k - 1) {
			brk[d + 1] = brk[d];
			d++;
			continue;
		}
		c = score_breaks(t, brk, k, p);
		if (candidate_better(&c, &best)) {
			best = c;
			memcpy(best_brk, brk, (k + 1) * sizeof(*brk));
		}
	}
	return best.found;
}

/* Turns box breaks into lines, noting where a line-end mark had to be
 * compressed to fit. */
static lb_line *
lines_from_breaks(arena *a, const box_table *t, const size_t *brk, size_t k,
                  const lb_params *p)
{
	lb_line *lines = arena_calloc(a, k, sizeof(*lines));
	size_t j;

	for (j = 0; j < k; j++) {
		lines[j].start = t->boxes[brk[j]].start;
		lines[j].end = t->boxes[brk[j + 1] - 1].end;
		lines[j].end_compressed =
		    table_fit(t, brk[j], brk[j + 1], line_avail(p, j == 0),
		              &lines[j].natural_width) == FIT_COMPRESSED;
		lines[j].last = j == k - 1;
	}
	return lines;
}

/* The greedy line count, then the most balanced split into that many
 * lines, preferred breaks first; falls back to the greedy lines. */
size_t
lb_break_balanced(arena *a, const lb_char *chars, size_t n,
                  const lb_params *p, const bool *preferred, lb_line **lines)
{
	size_t k = lb_break(a, chars, n, p, lines);
	box_table t;
	size_t *brk;

	if (k <= 1 || k > BALANCE_MAX_LINES)
		return k;
	t = build_box_table(a, chars, n, p->gap_em);
	if (preferred != NULL)
		t.preferred_before = count_preferred(a, preferred, n);
	brk = arena_calloc(a, k + 1, sizeof(*brk));
	/* No fitting k-line split (an over-wide box) or too much work:
	 * the greedy lines stand. */
	if (search_breaks(a, &t, k, p, brk))
		*lines = lines_from_breaks(a, &t, brk, k, p);
	return k;
}

/* ------------------------------------------------------------------ */
/* Placement and justification                                         */
/* ------------------------------------------------------------------ */

/* Whether justification may add space between units left and right:
 * not after a space (one slot per word space), around connectors, nor
 * between marks of a run that gave up their blank to each other. */
static bool
is_stretch_slot(const unit *left, const unit *right)
{
	return left->kind != UNIT_SPACE && !left->connector &&
	       !right->connector && left->loss_right == 0 &&
	       right->loss_left == 0;
}

/* A line's measurements: its natural width, the slots between units
 * where justification can add space, and its end compression. */
typedef struct line_measure {
	size_t visible_end;          /* characters after it are line-end spaces */
	double natural;
	size_t slots;
	double end_squeeze;          /* given up by the line-end mark */
	double end_shift;            /* of which taken on the mark's left */
} line_measure;

/* End of a line without its trailing spaces (they are not drawn). */
static size_t
visible_end_of(const lb_char *chars, const lb_line *line)
{
	size_t end = line->end;

	while (end > line->start && lb_is_space(chars[end - 1].cp))
		end--;
	return end;
}

/* The unit at chars[i] of line: its neighbours are the line's visible
 * characters (line-end spaces stand apart).  Units never cross a line
 * boundary. */
static unit
line_unit(const lb_char *chars, const lb_line *line, size_t visible_end,
          size_t i)
{
	return scan_unit(chars, line->start,
	                 i < visible_end ? visible_end : line->end, i);
}

/* Whether the line's last mark gives up its blank: when that made the
 * line fit, and on every justified line but the last, before any space
 * is added between characters (typography.md §9). */
static bool
squeezes_end(const lb_line *line, const lb_params *p)
{
	return line->end_compressed || (p->justify && !line->last);
}

/* Walks the units of line to measure it, the compressed end included. */
static line_measure
measure_line(const lb_char *chars, const lb_line *line, const lb_params *p)
{
	line_measure m = { .visible_end = visible_end_of(chars, line) };
	unit u, prev = { 0 };
	size_t i = line->start;

	while (i < m.visible_end) {
		u = line_unit(chars, line, m.visible_end, i);
		if (i > line->start) {
			m.natural += unit_gap(&prev, &u, p->gap_em);
			m.slots += is_stretch_slot(&prev, &u);
		}
		m.natural += u.width;
		if (u.end == m.visible_end && squeezes_end(line, p)) {
			m.end_squeeze = u.end_squeeze;
			m.end_shift = u.end_shift;
			m.natural -= u.end_squeeze;
		}
		prev = u;
		i = u.end;
	}
	return m;
}

/* lb_line_end_squeeze:
 * The right-hand part of what measure_line takes off at the line's end
 * (lb_place has moved the mark left by the rest). */
double
lb_line_end_squeeze(const lb_char *chars, const lb_line *line,
                    const lb_params *p)
{
	line_measure m = measure_line(chars, line, p);

	return m.end_squeeze - m.end_shift;
}

/* Space added at each slot of a justified line, 0 when it is not
 * justified (last line, no slots, or already full or overflowing). */
static double
stretch_per_slot(const line_measure *m, const lb_line *line,
                 const lb_params *p, bool first_line)
{
	double spare = line_avail(p, first_line) - m->natural;

	if (!p->justify || line->last || m->slots == 0 || spare <= 0)
		return 0;
	return spare / (double)m->slots;
}

/* The width a measured line takes once placed, trailing spaces
 * excluded; one expression for lb_place and lb_line_width, so that both
 * give the same number to the last bit. */
static double
placed_width(const line_measure *m, double stretch, const lb_params *p,
             bool first_line)
{
	return (first_line ? p->first_indent : 0) + m->natural +
	       stretch * (double)m->slots;
}

/* x of every character of line: natural advances, Han/Latin gaps and,
 * when justified, the spare width shared equally among the slots.
 * Returns the width, as lb_line_width does, measured once. */
double
lb_place(const lb_char *chars, const lb_line *line, const lb_params *p,
         bool first_line, double *x)
{
	line_measure m = measure_line(chars, line, p);
	double stretch = stretch_per_slot(&m, line, p, first_line);
	double pos = first_line ? p->first_indent : 0;
	unit u, prev = { 0 };
	size_t i = line->start, j;

	while (i < line->end) {
		u = line_unit(chars, line, m.visible_end, i);
		if (i > line->start) {
			pos += unit_gap(&prev, &u, p->gap_em);
			if (u.start < m.visible_end && is_stretch_slot(&prev, &u))
				pos += stretch;
		}
		if (u.end == m.visible_end)
			pos -= m.end_shift;     /* a centred mark moves left */
		/* Line-end spaces follow on unstretched; they are not drawn. */
		for (j = u.start; j < u.end; j++) {
			x[j - line->start] = pos;
			pos += chars[j].advance;
		}
		prev = u;
		i = u.end;
	}
	return placed_width(&m, stretch, p, first_line);
}

/* The width lb_place gives the line, trailing spaces excluded, so the
 * caller can centre or right-align it. */
double
lb_line_width(const lb_char *chars, const lb_line *line, const lb_params *p,
              bool first_line)
{
	line_measure m = measure_line(chars, line, p);
	double stretch = stretch_per_slot(&m, line, p, first_line);

	return placed_width(&m, stretch, p, first_line);
}
