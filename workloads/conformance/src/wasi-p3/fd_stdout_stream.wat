;; fd_stdout_stream: WASI 0.3's stdout is a stream the guest creates and hands
;; to `write-via-stream`; a write of the whole line completes, and the future
;; it got back says `ok` once the stream is closed. The write and the read
;; are async-lowered, waited for in a waitable set when blocked (their
;; synchronous forms need a further proposal, which `wasmtime run -Sp3
;; -Wcomponent-model-async` does not enable). A step that goes wrong exits
;; with its own code: 1 the write, 2 the future, 3 the result.
(module
  (import "wasi:cli/stdout@0.3.0" "[stream-new-0]write-via-stream" (func $stream_new (result i64)))
  (import "wasi:cli/stdout@0.3.0" "write-via-stream" (func $write_via_stream (param i32) (result i32)))
  (import "wasi:cli/stdout@0.3.0" "[async-lower][stream-write-0]write-via-stream" (func $stream_write (param i32 i32 i32) (result i32)))
  (import "wasi:cli/stdout@0.3.0" "[stream-drop-writable-0]write-via-stream" (func $stream_drop_writable (param i32)))
  (import "wasi:cli/stdout@0.3.0" "[async-lower][future-read-1]write-via-stream" (func $future_read (param i32 i32) (result i32)))
  (import "wasi:cli/stdout@0.3.0" "[future-drop-readable-1]write-via-stream" (func $future_drop_readable (param i32)))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-drop]" (func $set_drop (param i32)))
  (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit_with_code (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from a WASI 0.3 stream\n")
  (global $set (mut i32) (i32.const 0))

  ;; The result of an async copy on `end`: at once, or, when it blocked
  ;; (0xffffffff), from the event that `end` delivers to the waitable set
  ;; (its index at 0, the result at 4).
  (func $finish (param $end i32) (param $result i32) (result i32)
    (if (i32.ne (local.get $result) (i32.const -1))
      (then (return (local.get $result))))
    (call $join (local.get $end) (global.get $set))
    (drop (call $wait (global.get $set) (i32.const 0)))
    (call $join (local.get $end) (i32.const 0))
    (if (i32.ne (i32.load (i32.const 0)) (local.get $end))
      (then (unreachable)))
    (i32.load (i32.const 4)))

  (func (export "wasi:cli/run@0.3.0#run") (result i32)
    (local $ends i64) (local $writer i32) (local $future i32)
    (global.set $set (call $set_new))
    ;; stream.new: the readable end in the low 32 bits, the writable end above.
    (local.set $ends (call $stream_new))
    (local.set $writer (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (local.set $future (call $write_via_stream (i32.wrap_i64 (local.get $ends))))
    ;; Completed (0) with the 29 bytes written in the upper bits.
    (if (i32.ne (call $finish (local.get $writer)
                  (call $stream_write (local.get $writer) (i32.const 16) (i32.const 29)))
                (i32.shl (i32.const 29) (i32.const 4)))
      (then (call $exit_with_code (i32.const 1))))
    (call $stream_drop_writable (local.get $writer))
    ;; The future's value, result<_, error-code>: a discriminant byte at 8.
    (if (i32.ne (call $finish (local.get $future)
                  (call $future_read (local.get $future) (i32.const 8)))
                (i32.const 0))
      (then (call $exit_with_code (i32.const 2))))
    (if (i32.ne (i32.load8_u (i32.const 8)) (i32.const 0))
      (then (call $exit_with_code (i32.const 3))))
    (call $future_drop_readable (local.get $future))
    (call $set_drop (global.get $set))
    (i32.const 0)))
