/* Signal sets and sigaction over wasi-libc's emulated signal() (which only delivers
 * raise() to the calling program). Part of Cleanroom's WASI C compat layer. */
#include <errno.h>
#include <signal.h>
#include <string.h>

int kill(pid_t pid, int sig) { (void)pid; (void)sig; errno = EPERM; return -1; }

static int valid(int sig) { return sig > 0 && sig < (int)(8 * sizeof(sigset_t)); }

int sigemptyset(sigset_t *set) { memset(set, 0, sizeof *set); return 0; }
int sigfillset(sigset_t *set) { memset(set, 0xff, sizeof *set); return 0; }

int sigaddset(sigset_t *set, int sig)
{
	if (!valid(sig)) { errno = EINVAL; return -1; }
	((unsigned char *)set)[(sig - 1) / 8] |= 1u << ((sig - 1) % 8);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (!valid(sig)) { errno = EINVAL; return -1; }
	((unsigned char *)set)[(sig - 1) / 8] &= ~(1u << ((sig - 1) % 8));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (!valid(sig)) { errno = EINVAL; return -1; }
	return (((const unsigned char *)set)[(sig - 1) / 8] >> ((sig - 1) % 8)) & 1;
}

/* Nothing is ever blocked: signals come only from raise(), synchronously. */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how; (void)set;
	if (old)
		sigemptyset(old);
	return 0;
}

int sigaction(int sig, const struct sigaction *action, struct sigaction *old)
{
	void (*previous)(int) = SIG_DFL;
	if (action) {
		previous = signal(sig, action->sa_handler);
		if (previous == SIG_ERR)
			return -1;
	}
	if (old) {
		memset(old, 0, sizeof *old);
		old->sa_handler = previous;
	}
	return 0;
}
