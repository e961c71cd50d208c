;; proc_run_err: a `run` that returns its error fails the program: exit code
;; 1, as wasi:cli says and Wasmtime's CLI does.
(module
  (memory (export "memory") 1)
  (func (export "wasi:cli/run@0.3.0#run") (result i32)
    (i32.const 1)))
