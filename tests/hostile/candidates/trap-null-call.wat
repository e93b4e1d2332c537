;; call_indirect through an empty table slot.
(module (memory (export "memory") 1) (table 4 funcref) (type $t (func))
  (func (export "_start") (call_indirect (type $t) (i32.const 2))))
