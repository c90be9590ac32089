/*
 * timing.h - where a render spends its time, for performance work.
 *
 * With GKREPORT_TIMINGS set in the environment, every timing_mark()
 * prints to stderr the milliseconds since the previous mark of the same
 * thread (the first mark counts from the thread's first call) and the
 * process's peak resident set so far:
 *
 *   gkreport: timing: fonts             6.10 ms  (peak RSS 18432 KB)
 *
 * Unset, a mark costs one predictable branch.  Stages are named by the
 * module that finishes them; see doc/design.md.
 */
#ifndef GK_TIMING_H
#define GK_TIMING_H

/* timing_mark:
 * Ends the current stage of this thread, naming it. */
void timing_mark(const char *stage);

#endif
