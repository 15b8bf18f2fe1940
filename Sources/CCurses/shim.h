#ifndef KITH_CURSES_SHIM_H
#define KITH_CURSES_SHIM_H
// Wide-character curses functions (add_wch, get_wch) are only declared with this set.
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
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

// Starts curses on the process's terminal. Unlike initscr, newterm returns NULL instead of
// exiting when TERM is unset or unknown. Returns 1 on success, 0 on failure.
static inline int kith_curses_open(void) {
  SCREEN *screen = newterm(NULL, stdout, stdin);
  if (screen == NULL) return 0;
  set_term(screen);
  return 1;
}

static inline void kith_curses_set_attributes(int attributes) {
  wattrset(stdscr, attributes);
}

// Makes the next refresh repaint every cell, for when the terminal shows stray output.
static inline void kith_curses_force_repaint(void) { clearok(curscr, TRUE); }

// Sets the colors and attributes that werase and wclear fill blank cells with.
static inline void kith_curses_set_background(int attributes) {
  wbkgdset(stdscr, (chtype)attributes | (chtype)' ');
}

// Draws `count` wide characters at row, column without moving past the window's edge.
static inline int kith_curses_draw(int row, int column, const wchar_t *text, int count) {
  return mvwaddnwstr(stdscr, row, column, text, count);
}

// Returns the cells the C library's wcwidth gives one character, which is what ncurses uses
// to lay out its screen model; -1 for a non-printable character or one the locale lacks.
static inline int kith_curses_character_width(int character) {
  return wcwidth((wchar_t)character);
}

// Reads one key, waiting at most timeout_ms milliseconds (a negative value waits forever).
// Returns 0 on timeout or error, 1 when *code is a character, 2 when *code is a KEY_ constant.
static inline int kith_curses_read_key(int timeout_ms, int *code) {
  wint_t character = 0;
  wtimeout(stdscr, timeout_ms);
  int result = wget_wch(stdscr, &character);
  if (result == ERR) return 0;
  *code = (int)character;
  return result == KEY_CODE_YES ? 2 : 1;
}

// The signals after which the terminal must be restored: interruption, termination, hangup
// and crashes. SIGTRAP is listed because Swift runtime traps raise it on arm64.
#define KITH_CURSES_GUARDED_SIGNAL_COUNT 10
static inline int kith_curses_guarded_signal(size_t index) {
  static const int signals[KITH_CURSES_GUARDED_SIGNAL_COUNT] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP,
  };
  return signals[index];
}

// Restores the terminal, then raises the signal again under the default disposition, so the
// process ends with the usual status or core dump. endwin is not on POSIX's list of
// async-signal-safe functions, but it only writes the terminal's reset sequence and restores
// the saved termios. Curses programs accept that risk because a crashed process must not
// leave the terminal in raw mode.
static void kith_curses_restore_and_reraise(int signal_number) {
  endwin();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

// Installs kith_curses_restore_and_reraise for every guarded signal that is not ignored.
// A signal ignored at start (nohup ignores SIGHUP) stays ignored. Returns how many handlers
// were installed.
static inline int kith_curses_install_signal_guard(void) {
  int installed = 0;
  for (size_t i = 0; i < KITH_CURSES_GUARDED_SIGNAL_COUNT; i++) {
    int signal_number = kith_curses_guarded_signal(i);
    struct sigaction current;
    if (sigaction(signal_number, NULL, &current) != 0) continue;
    if (current.sa_handler == SIG_IGN) continue;
    if (current.sa_handler == kith_curses_restore_and_reraise) continue;

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = kith_curses_restore_and_reraise;
    sigemptyset(&action.sa_mask);
    // SA_NODEFER lets the re-raised signal arrive inside the handler, so the default action
    // (terminate or dump core) happens at once.
    action.sa_flags = SA_NODEFER;
    if (sigaction(signal_number, &action, NULL) == 0) installed++;
  }
  return installed;
}
#endif
