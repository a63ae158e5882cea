;; Exits with code 3 through wasi:cli/exit#exit-with-code (the preview1 adapter can only say 0 or 1).
(module
  (import "wasi:cli/exit@0.2.12" "exit-with-code" (func $exit (param i32)))
  (func (export "wasi:cli/run@0.2.12#run") (result i32)
    (call $exit (i32.const 3))
    (i32.const 0)))
