/* What wasi-libc's <signal.h> hides (it has no sigaction, masks or kill); appended to
 * <signal.h> by setup.sh. Defined in src/signals.c over the emulated signal(). */
#ifndef __WASI_COMPAT_SIGNAL_H
#define __WASI_COMPAT_SIGNAL_H
#define __NEED_pid_t
#define __NEED_sigset_t
#include <bits/alltypes.h>

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* No siginfo_t and no SA_SIGINFO: programs that test for SA_SIGINFO fall back to signal(). */
struct sigaction {
	void (*sa_handler)(int);
	sigset_t sa_mask;
	int sa_flags;
};

int kill(pid_t, int);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
#endif
