/* POSIX functions WASI preview 1 cannot provide (processes, permissions, a user database,
 * temporary directories, absolute paths). Each fails the documented way, so a program
 * takes its own error path instead of failing to link.
 * Part of Cleanroom's WASI C compat layer (written for Cleanroom). */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

FILE *popen(const char *command, const char *mode) { (void)command; (void)mode; errno = ENOSYS; return NULL; }
int pclose(FILE *stream) { (void)stream; errno = ECHILD; return -1; }

/* One thread: a stream lock is always free. */
void flockfile(FILE *stream) { (void)stream; }
int ftrylockfile(FILE *stream) { (void)stream; return 0; }
void funlockfile(FILE *stream) { (void)stream; }

/* system(NULL) asks whether a shell exists: no. */
int system(const char *command) { if (!command) return 0; errno = ENOSYS; return -1; }

FILE *tmpfile(void) { errno = ENOSYS; return NULL; }
char *tmpnam(char *buffer) { (void)buffer; errno = ENOSYS; return NULL; }
int mkstemp(char *template) { (void)template; errno = ENOSYS; return -1; }
char *mktemp(char *template) { if (template && *template) *template = 0; errno = ENOSYS; return template; }

/* WASI paths are relative to preopened directories; there is no absolute path to give. */
char *realpath(const char *path, char *resolved) { (void)path; (void)resolved; errno = ENOSYS; return NULL; }

int chmod(const char *path, mode_t mode) { (void)path; (void)mode; errno = ENOSYS; return -1; }
int fchmod(int fd, mode_t mode) { (void)fd; (void)mode; errno = ENOSYS; return -1; }
mode_t umask(mode_t mask) { (void)mask; return 022; }

int dup(int fd) { (void)fd; errno = ENOSYS; return -1; }
int dup2(int from, int to) { (void)from; (void)to; errno = ENOSYS; return -1; }
int pipe(int fds[2]) { (void)fds; errno = ENOSYS; return -1; }
pid_t fork(void) { errno = ENOSYS; return -1; }
int execv(const char *path, char *const argv[]) { (void)path; (void)argv; errno = ENOSYS; return -1; }
int execvp(const char *file, char *const argv[]) { (void)file; (void)argv; errno = ENOSYS; return -1; }
int execl(const char *path, const char *arg, ...) { (void)path; (void)arg; errno = ENOSYS; return -1; }
int execlp(const char *file, const char *arg, ...) { (void)file; (void)arg; errno = ENOSYS; return -1; }
pid_t wait(int *status) { (void)status; errno = ECHILD; return -1; }
pid_t waitpid(pid_t pid, int *status, int options) { (void)pid; (void)status; (void)options; errno = ECHILD; return -1; }

/* One user, the superuser of its own sandbox, with no entry in a user database. */
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
struct passwd *getpwuid(uid_t uid) { (void)uid; return NULL; }
struct passwd *getpwnam(const char *name) { (void)name; return NULL; }

/* No signal is ever delivered, so an alarm never fires; report none pending. */
unsigned alarm(unsigned seconds) { (void)seconds; return 0; }
