/* Single-threaded pthreads: there is exactly one thread, so a mutex is a counter that
 * catches misuse, a key is a slot in a table, and once runs the function the first time.
 * Part of Cleanroom's WASI C compat layer (written for Cleanroom). */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

pthread_t pthread_self(void) { return (pthread_t)1; }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	(void)thread; (void)attr; (void)start; (void)arg;
	return EAGAIN;
}
int pthread_join(pthread_t thread, void **result) { (void)thread; (void)result; return ESRCH; }
int pthread_detach(pthread_t thread) { (void)thread; return ESRCH; }

void exit(int);
_Noreturn void pthread_exit(void *result) { (void)result; exit(0); for (;;) {} }

int pthread_attr_init(pthread_attr_t *attr) { *attr = (pthread_attr_t){0}; return 0; }
int pthread_attr_destroy(pthread_attr_t *attr) { (void)attr; return 0; }
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state) { (void)attr; (void)state; return 0; }
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size) { (void)attr; (void)size; return 0; }

/* once: 0 = not run, 1 = running, 2 = done. A recursive call from inside the function would
 * deadlock on a real system; here it returns without running it again. */
int pthread_once(pthread_once_t *once, void (*function)(void))
{
	if (*once == 0) {
		*once = 1;
		function();
		*once = 2;
	}
	return 0;
}

static struct {
	int used;
	const void *value;
	void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	for (unsigned i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (!keys[i].used) {
			keys[i].used = 1;
			keys[i].value = NULL;
			keys[i].destructor = destructor;
			*key = i;
			return 0;
		}
	}
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	keys[key].used = 0;
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return NULL;
	return (void *)keys[key].value;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	keys[key].value = value;
	return 0;
}

/* A mutex stores its type in __i[0] and the lock depth in __i[1]. */
int pthread_mutexattr_init(pthread_mutexattr_t *attr) { attr->__attr = 0; return 0; }
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr) { (void)attr; return 0; }
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (type < 0 || type > 2)
		return EINVAL;
	attr->__attr = (unsigned)type;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
	*mutex = (pthread_mutex_t){0};
	mutex->__u.__i[0] = attr ? (int)attr->__attr : 0;
	return 0;
}
int pthread_mutex_destroy(pthread_mutex_t *mutex) { return mutex->__u.__i[1] ? EBUSY : 0; }

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
	if (mutex->__u.__i[1] && mutex->__u.__i[0] != PTHREAD_MUTEX_RECURSIVE)
		return EBUSY;
	mutex->__u.__i[1]++;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
	/* Locking a held non-recursive mutex would wait forever: no other thread can unlock it. */
	return pthread_mutex_trylock(mutex) ? EDEADLK : 0;
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
	if (mutex->__u.__i[1] == 0)
		return EPERM;
	mutex->__u.__i[1]--;
	return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *lock, const pthread_rwlockattr_t *attr)
{
	(void)attr;
	*lock = (pthread_rwlock_t){0};
	return 0;
}
int pthread_rwlock_destroy(pthread_rwlock_t *lock) { (void)lock; return 0; }
int pthread_rwlock_rdlock(pthread_rwlock_t *lock) { (void)lock; return 0; }
int pthread_rwlock_wrlock(pthread_rwlock_t *lock) { (void)lock; return 0; }
int pthread_rwlock_unlock(pthread_rwlock_t *lock) { (void)lock; return 0; }

int pthread_condattr_init(pthread_condattr_t *attr) { attr->__attr = 0; return 0; }
int pthread_condattr_destroy(pthread_condattr_t *attr) { (void)attr; return 0; }
int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
	(void)attr;
	*cond = (pthread_cond_t){0};
	return 0;
}
int pthread_cond_destroy(pthread_cond_t *cond) { (void)cond; return 0; }
int pthread_cond_signal(pthread_cond_t *cond) { (void)cond; return 0; }
int pthread_cond_broadcast(pthread_cond_t *cond) { (void)cond; return 0; }
/* Nobody else can signal: waiting would never end. */
int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex) { (void)cond; (void)mutex; return EDEADLK; }
int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *until)
{
	(void)cond; (void)mutex; (void)until;
	return ETIMEDOUT;
}
