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
static inline int vt_key_f(int n) { return KEY_F(n); }
static inline int vt_key_code_yes(void) { return KEY_CODE_YES; }
static inline FILE *vt_stdout(void) { return stdout; }
static inline FILE *vt_stdin(void) { return stdin; }

/* Crash safety net (htop's CRT_done idea): on a fatal signal, put the tty back (saved termios, leave the
   alternate screen, show the cursor) with async-signal-safe calls only, then die by the same signal. */
#include <signal.h>
#include <termios.h>
#include <unistd.h>
/* Function-local statics: Swift's C importer emits these with the function (file-scope statics in a
   header are not emitted). */
static inline struct termios *vt_saved_termios(void) { static struct termios t; return &t; }
static inline volatile sig_atomic_t *vt_have_saved_termios(void) { static volatile sig_atomic_t v = 0; return &v; }
static inline void vt_crash_restore(int sig) {
    if (*vt_have_saved_termios()) tcsetattr(STDIN_FILENO, TCSANOW, vt_saved_termios());
    static const char seq[] = "\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, seq, sizeof seq - 1); (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}
static inline void vt_install_crash_restore(void) {
    if (tcgetattr(STDIN_FILENO, vt_saved_termios()) == 0) *vt_have_saved_termios() = 1;
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], vt_crash_restore);
}
static inline void vt_uninstall_crash_restore(void) {
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
}
#endif
