/* Exercises what Cleanroom's WASI C toolchain adds to wasi-libc: setjmp/longjmp through
 * Wasm exceptions (across frames, repeatedly, with volatile state surviving), pthread_once
 * and thread-specific keys, the failing process stubs, and the exit code.
 * Built and run by tests/integration/c_toolchain.rs. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static jmp_buf target;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int initialised;

static void initialise(void)
{
	initialised++;
	pthread_key_create(&key, NULL);
}

static void descend(int depth, int value)
{
	if (depth == 0)
		longjmp(target, value);
	descend(depth - 1, value);
}

int main(int argc, char **argv)
{
	pthread_once(&once, initialise);
	pthread_once(&once, initialise);
	pthread_setspecific(key, "kept");

	volatile int jumps = 0;
	int value = setjmp(target);
	printf("setjmp gave %d\n", value);
	if (jumps < 3) {
		jumps++;
		descend(5 * jumps, jumps == 3 ? 0 : 10 * jumps);
	}
	printf("once ran %d time, key holds %s\n", initialised, (const char *)pthread_getspecific(key));

	errno = 0;
	FILE *pipe = popen("ls", "r");
	printf("popen: %s (%s)\n", pipe ? "opened" : "failed", strerror(errno));
	printf("system(NULL): %d, chmod: %d\n", system(NULL), chmod("x", 0644));
	fprintf(stderr, "done\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
