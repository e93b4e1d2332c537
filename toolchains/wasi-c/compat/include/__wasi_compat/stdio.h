/* Declarations wasi-libc hides; appended to <stdio.h> by setup.sh. Defined in src/stubs.c. */
#ifndef __WASI_COMPAT_STDIO_H
#define __WASI_COMPAT_STDIO_H
FILE *popen(const char *, const char *);
int pclose(FILE *);
void flockfile(FILE *);
int ftrylockfile(FILE *);
void funlockfile(FILE *);
#endif
