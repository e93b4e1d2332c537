;; args_get with pointers far outside memory: a malformed WASI call.
(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $args_get (i32.const -16) (i32.const -16)))))
