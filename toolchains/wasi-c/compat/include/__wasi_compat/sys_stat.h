/* Declarations wasi-libc hides; appended to <sys/stat.h> by setup.sh. Defined in src/stubs.c. */
#ifndef __WASI_COMPAT_SYS_STAT_H
#define __WASI_COMPAT_SYS_STAT_H
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
mode_t umask(mode_t);
#endif
