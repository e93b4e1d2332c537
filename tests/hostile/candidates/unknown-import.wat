;; Imports a function no WASI host provides.
(module
  (import "env" "launch_missiles" (func $nope))
  (memory (export "memory") 1)
  (func (export "_start") (call $nope)))
