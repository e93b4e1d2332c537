/* Declarations wasi-libc hides; appended to <stdlib.h> by setup.sh. Defined in src/stubs.c. */
#ifndef __WASI_COMPAT_STDLIB_H
#define __WASI_COMPAT_STDLIB_H
char *realpath(const char *__restrict, char *__restrict);
int mkstemp(char *);
char *mktemp(char *);
#endif
