/* The setjmp/longjmp runtime that LLVM's Wasm SjLj lowering calls
 * (-mllvm -wasm-enable-sjlj with the exception-handling proposal).
 * Part of Cleanroom's WASI C compat layer (written for Cleanroom).
 *
 * LLVM turns `setjmp(env)` into `__wasm_setjmp(env, label, id)`, where `id` identifies the
 * running invocation of the calling function and `label` the setjmp site in it. `longjmp`
 * becomes `__wasm_longjmp(env, val)`, which throws a Wasm exception with the `__c_longjmp`
 * tag (defined below: the compiler only references it). The calling
 * function catches it and asks `__wasm_setjmp_test(env, id)` whether the jump is for this
 * invocation (then it resumes after the setjmp with `label`) or rethrows. */
#include <stdint.h>
#include <stddef.h>

struct jump_record {
	void *invocation;	/* which function invocation called setjmp */
	uint32_t label;		/* which setjmp site in it (never 0) */
	struct jump_argument {	/* the exception's payload, read by the catching code */
		void *env;
		int value;
	} argument;
};

/* The exception tag of longjmp: one i32 parameter, the address of the jump_argument. */
__asm__(".globl __c_longjmp\n"
	".tagtype __c_longjmp i32\n"
	"__c_longjmp:\n");

_Static_assert(sizeof(struct jump_record) <= 64, "jmp_buf in <setjmp.h> is 64 bytes");

void __wasm_setjmp(void *env, uint32_t label, void *invocation)
{
	struct jump_record *record = env;
	if (label == 0 || invocation == NULL)
		__builtin_trap();
	record->invocation = invocation;
	record->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation)
{
	struct jump_record *record = env;
	if (record->label == 0 || invocation == NULL)
		__builtin_trap();
	return record->invocation == invocation ? record->label : 0;
}

void __wasm_longjmp(void *env, int value)
{
	struct jump_record *record = env;
	/* C: longjmp never makes setjmp return 0. */
	record->argument.env = env;
	record->argument.value = value == 0 ? 1 : value;
	__builtin_wasm_throw(1 /* the __c_longjmp tag */, &record->argument);
}
