#ifndef KITH_CURSES_SHIM_H
#define KITH_CURSES_SHIM_H
// Wide-character curses functions (add_wch, get_wch) are only declared with this set.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Curses macros and globals that Swift cannot use directly.
static inline WINDOW *kith_curses_stdscr(void) { return stdscr; }
static inline int kith_curses_lines(void) { return LINES; }
static inline int kith_curses_cols(void) { return COLS; }
static inline int kith_curses_colors(void) { return COLORS; }
static inline int kith_curses_color_pair(int pair) { return (int)COLOR_PAIR(pair); }
static inline int kith_curses_attr_bold(void) { return (int)A_BOLD; }
static inline int kith_curses_attr_reverse(void) { return (int)A_REVERSE; }
static inline int kith_curses_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int kith_curses_attr_dim(void) { return (int)A_DIM; }
static inline int kith_curses_key_resize(void) { return KEY_RESIZE; }
static inline int kith_curses_set_locale(void) { return setlocale(LC_ALL, "") != NULL; }
#endif
