;; proc_exit_code: WASI 0.3's `exit-with-code` ends the program with that
;; code (7), whatever `run` would have returned.
(module
  (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit_with_code (param i32)))
  (memory (export "memory") 1)
  (func (export "wasi:cli/run@0.3.0#run") (result i32)
    (call $exit_with_code (i32.const 7))
    (i32.const 0)))
