/* setjmp/longjmp for wasm32-wasi through the WebAssembly exception-handling proposal.
 * Part of Cleanroom's WASI C compat layer (written for Cleanroom).
 *
 * Compile with -mllvm -wasm-enable-sjlj -mexception-handling -mllvm -wasm-use-legacy-eh=false
 * (the toolchain's CC does): LLVM then rewrites every call of setjmp/longjmp into calls of
 * __wasm_setjmp, __wasm_setjmp_test and __wasm_longjmp (src/sjlj.c). setjmp is never a real
 * function. Signal masks do not exist, so sigsetjmp/siglongjmp are plain setjmp/longjmp. */
#ifndef _SETJMP_H
#define _SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

/* Room for the runtime's record (invocation id, label, longjmp argument) with margin. */
typedef struct __jmp_buf_tag {
	unsigned long long __data[8];
} jmp_buf[1];
typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf);
_Noreturn void longjmp(jmp_buf, int);

#define _setjmp setjmp
#define _longjmp longjmp
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp longjmp

#ifdef __cplusplus
}
#endif

#endif
