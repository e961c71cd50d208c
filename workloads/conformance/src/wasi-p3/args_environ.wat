;; args_environ: WASI 0.3's `get-arguments` gives the program name, then the
;; arguments in order and unsplit (json: "one", "two words"), and
;; `get-environment` exactly the variables granted (json: P3_VAR=on), as
;; (name, value) pairs. A difference exits with code 1.
(module
  (import "wasi:cli/environment@0.3.0" "get-arguments" (func $get_arguments (param i32)))
  (import "wasi:cli/environment@0.3.0" "get-environment" (func $get_environment (param i32)))
  (import "wasi:cli/exit@0.3.0" "exit-with-code" (func $exit_with_code (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "one")
  (data (i32.const 32) "two words")
  (data (i32.const 48) "P3_VAR")
  (data (i32.const 64) "on")
  (global $heap (mut i32) (i32.const 1024))

  ;; The host's allocator for the list it returns: a bump allocator, never
  ;; freed, trapping past the memory's two pages.
  (func (export "cabi_realloc") (param i32 i32) (param $align i32) (param $size i32) (result i32)
    (local $at i32)
    (local.set $at (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                            (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $at) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.const 131072)) (then (unreachable)))
    (local.get $at))

  ;; Exits with code 1 unless the string at (ptr, len) is the `want_len`
  ;; bytes at `want`.
  (func $expect (param $ptr i32) (param $len i32) (param $want i32) (param $want_len i32)
    (if (i32.ne (local.get $len) (local.get $want_len))
      (then (call $exit_with_code (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (if (i32.ne (i32.load8_u (local.get $ptr)) (i32.load8_u (local.get $want)))
          (then (call $exit_with_code (i32.const 1))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $want (i32.add (local.get $want) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next))))

  (func (export "wasi:cli/run@0.3.0#run") (result i32)
    (local $list i32)
    ;; The list's (pointer, length) at 0; each element a (pointer, length).
    (call $get_arguments (i32.const 0))
    (if (i32.ne (i32.load offset=4 (i32.const 0)) (i32.const 3))
      (then (call $exit_with_code (i32.const 1))))
    (local.set $list (i32.load (i32.const 0)))
    (call $expect (i32.load offset=8 (local.get $list)) (i32.load offset=12 (local.get $list))
                  (i32.const 16) (i32.const 3))
    (call $expect (i32.load offset=16 (local.get $list)) (i32.load offset=20 (local.get $list))
                  (i32.const 32) (i32.const 9))
    ;; The environment: one pair of strings.
    (call $get_environment (i32.const 0))
    (if (i32.ne (i32.load offset=4 (i32.const 0)) (i32.const 1))
      (then (call $exit_with_code (i32.const 1))))
    (local.set $list (i32.load (i32.const 0)))
    (call $expect (i32.load (local.get $list)) (i32.load offset=4 (local.get $list))
                  (i32.const 48) (i32.const 6))
    (call $expect (i32.load offset=8 (local.get $list)) (i32.load offset=12 (local.get $list))
                  (i32.const 64) (i32.const 2))
    (i32.const 0)))
