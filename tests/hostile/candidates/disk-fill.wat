;; Creates "big" and writes 64 KiB blocks to it until a write fails, then exits with
;; that errno (51 = ENOSPC under a quota).
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "big")
  (func (export "_start")
    (local $errno i32)
    ;; path_open(fd 3, no follow, "big", O_CREAT, rights FD_WRITE, 0, 0, &fd at 0)
    (local.set $errno (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 3)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $errno) (then (call $exit (local.get $errno))))
    (i32.store (i32.const 32) (i32.const 1024))
    (i32.store (i32.const 36) (i32.const 65536))
    (loop $again
      (local.set $errno (call $fd_write (i32.load (i32.const 0)) (i32.const 32) (i32.const 1) (i32.const 40)))
      (br_if $again (i32.eqz (local.get $errno))))
    (call $exit (local.get $errno))))
