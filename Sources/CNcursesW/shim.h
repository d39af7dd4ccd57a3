// ncursesw for Swift 6: C globals are not concurrency-safe, so they are read through these inline functions.
#ifndef VLATERM_CNCURSESW_SHIM_H
#define VLATERM_CNCURSESW_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *vt_stdscr(void) { return stdscr; }
static inline int vt_colors(void) { return COLORS; }
static inline int vt_color_pairs(void) { return COLOR_PAIRS; }
static inline int vt_lines(void) { return LINES; }
static inline int vt_cols(void) { return COLS; }
static inline int vt_err(void) { return ERR; }
static inline int vt_key_resize(void) { return KEY_RESIZE; }
static inline attr_t vt_a_bold(void) { return A_BOLD; }
static inline attr_t vt_a_reverse(void) { return A_REVERSE; }
static inline attr_t vt_a_underline(void) { return A_UNDERLINE; }
static inline attr_t vt_a_dim(void) { return A_DIM; }
static inline attr_t vt_color_pair(int n) { return COLOR_PAIR(n); }
#endif
