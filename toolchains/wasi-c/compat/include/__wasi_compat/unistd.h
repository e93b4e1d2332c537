/* Declarations wasi-libc hides; appended to <unistd.h> by setup.sh. Defined in src/stubs.c. */
#ifndef __WASI_COMPAT_UNISTD_H
#define __WASI_COMPAT_UNISTD_H
int dup(int);
int dup2(int, int);
int pipe(int[2]);
pid_t fork(void);
int execv(const char *, char *const[]);
int execvp(const char *, char *const[]);
int execl(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
unsigned alarm(unsigned);
#endif
