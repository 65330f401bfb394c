;; Plain numeric CSV rows, parsed in WebAssembly: the loop of CsvTokenizer.nextPlainNumericRow
;; (src/core/csv/tokenizer.ts), row after row, with the same rules and the same numbers. Why:
;; measured on 1M rows x 17 columns (157 MB), this loop took ~0.25 s here against ~0.55 s for the
;; JavaScript loop once optimised and ~0.8 s in a fresh process (it runs interpreted until the JIT
;; catches up; this is compiled before the first row, and reads bytes without a bounds check
;; each), before the two changes below. Digits go into an i64: the integer part's (usually one or
;; two) one at a time, the fraction's eight at a time (SWAR: its length from the first byte that is
;; not a digit, its value from three multiplies).
;; Branches that data decides at random cost most here: a loop that stops after a varying number
;; of digits mispredicts its exit once a field, and so does a branch on the sign. Without them
;; (the SWAR step, the sign as arithmetic) the parse of 1M x 17 went from ~265 ms to ~140 ms here;
;; the integer part read the SWAR way measured slower.
;;
;; Assembled by scripts/build-wasm.mjs into plainRows.generated.ts (a test checks they agree).
;;
;; Memory: i64 10^1 .. 10^8 at 0 (this module's data: the SWAR step's scales), f64 10^0 .. 10^22
;; at 64 (exact doubles: mantissa / 10^k then rounds as Number() does),
;; the unquoted stop bytes at 256 (delimiter, CR, LF, NUL, non-ASCII: 1), and, placed by the caller,
;; the slots (i32 per header field: the output column; -1 to skip the field; -2 - k for category
;; field k, whose bytes are left to the caller: their start and end addresses go to `cats`, an i32
;; pair per category field, `catWidth` pairs per row), the input bytes and the output rows (f64,
;; `width` per row). A category field is plain when it is unquoted ASCII (else the row is not). `rows` reads from $p up to $end, which is just past a line
;; feed: every scan stops at that LF at the latest (the SWAR step reads up to 7 bytes past it: the
;; caller leaves 8 bytes after the input). It returns the rows read; `pos` is then where
;; the first row it did not take starts (a row that is not plain is left whole for the general
;; path), `lf` and `crlf` count the row terminators.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\0a\00\00\00\00\00\00\00\64\00\00\00\00\00\00\00\e8\03\00\00\00\00\00\00\10\27\00\00\00\00\00\00\a0\86\01\00\00\00\00\00\40\42\0f\00\00\00\00\00\80\96\98\00\00\00\00\00\00\e1\f5\05\00\00\00\00")
  (global $pos (export "pos") (mut i32) (i32.const 0))
  (global $lfs (export "lf") (mut i32) (i32.const 0))
  (global $crlfs (export "crlf") (mut i32) (i32.const 0))
  (func (export "rows")
    (param $p i32) (param $end i32) (param $slots i32) (param $fields i32)
    (param $out i32) (param $width i32) (param $maxRows i32) (param $delim i32) (param $maxField i32)
    (param $cats i32) (param $catWidth i32)
    (result i32)
    (local $rows i32) (local $rowStart i32) (local $field i32) (local $fieldStart i32)
    (local $slot i32) (local $c i32) (local $neg i32) (local $m i64) (local $digitsStart i32)
    (local $digits i32) (local $fracStart i32) (local $exp i32) (local $v f64)
    (local $lf i32) (local $crlf i32) (local $t i64) (local $n i32)
    (block $exit
      (loop $nextRow
        (br_if $exit (i32.ge_u (local.get $rows) (local.get $maxRows)))
        (local.set $rowStart (local.get $p))
        (local.set $field (i32.const 0))
        (block $fail
          (loop $nextField
            (br_if $fail (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $fieldStart (local.get $p))
            (local.set $slot (i32.load (i32.add (local.get $slots) (i32.shl (local.get $field) (i32.const 2)))))
            (local.set $c (i32.load8_u (local.get $p)))
            (if (i32.lt_s (local.get $slot) (i32.const 0))
              (then
                (br_if $fail (i32.eq (local.get $c) (i32.const 34)))
                (block $skipped
                  (loop $skip
                    (br_if $skipped (i32.load8_u offset=256 (i32.load8_u (local.get $p))))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $skip)))
                (if (i32.lt_s (local.get $slot) (i32.const -1))
                  (then
                    (local.set $c
                      (i32.add (local.get $cats)
                        (i32.shl
                          (i32.add (i32.mul (local.get $rows) (local.get $catWidth))
                            (i32.sub (i32.const -2) (local.get $slot)))
                          (i32.const 3))))
                    (i32.store (local.get $c) (local.get $fieldStart))
                    (i32.store offset=4 (local.get $c) (local.get $p)))))
              (else
                ;; The sign without a branch: on data it is a coin toss, a mispredicted branch
                ;; half the time (as is negating the value under an `if`; its sign bit is set below).
                (local.set $neg (i32.eq (local.get $c) (i32.const 45)))
                (local.set $p (i32.add (local.get $p) (i32.or (local.get $neg) (i32.eq (local.get $c) (i32.const 43)))))
                (local.set $m (i64.const 0))
                (local.set $digitsStart (local.get $p))
                (block $intDone
                  (loop $int
                    (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
                    (br_if $intDone (i32.gt_u (local.get $c) (i32.const 9)))
                    (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $int)))
                (local.set $digits (i32.sub (local.get $p) (local.get $digitsStart)))
                (local.set $exp (i32.const 0))
                (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 46))
                  (then
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $fracStart (local.get $p))
                    (block $fracDone
                      (loop $frac
                        ;; t: the next 8 bytes less '0' each; n: how many of them are digits (a byte is
                        ;; not one when it is > 9 as unsigned: the high bit of t or of t + 0x76; a
                        ;; borrow or carry only reaches the bytes after the first non-digit, which go).
                        (local.set $t (i64.sub (i64.load (local.get $p)) (i64.const 0x3030303030303030)))
                        (local.set $n
                          (i32.shr_u
                            (i32.wrap_i64
                              (i64.ctz
                                (i64.and
                                  (i64.or (i64.add (local.get $t) (i64.const 0x7676767676767676)) (local.get $t))
                                  (i64.const 0x8080808080808080))))
                            (i32.const 3)))
                        (br_if $fracDone (i32.eqz (local.get $n)))
                        ;; The n digits to the top bytes (zeros before them), then pairs, quads and
                        ;; the eight combined: the n-digit value, first digit most significant.
                        (local.set $t (i64.shl (local.get $t) (i64.extend_i32_u (i32.shl (i32.sub (i32.const 8) (local.get $n)) (i32.const 3)))))
                        (local.set $t (i64.shr_u (i64.mul (local.get $t) (i64.const 2561)) (i64.const 8)))
                        (local.set $t (i64.shr_u (i64.mul (i64.and (local.get $t) (i64.const 0x00FF00FF00FF00FF)) (i64.const 6553601)) (i64.const 16)))
                        (local.set $t (i64.shr_u (i64.mul (i64.and (local.get $t) (i64.const 0x0000FFFF0000FFFF)) (i64.const 42949672960001)) (i64.const 32)))
                        (local.set $m (i64.add (i64.mul (local.get $m) (i64.load offset=0 (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 3)))) (local.get $t)))
                        (local.set $p (i32.add (local.get $p) (local.get $n)))
                        (br_if $frac (i32.eq (local.get $n) (i32.const 8)))))
                    (local.set $exp (i32.sub (local.get $p) (local.get $fracStart)))
                    (local.set $digits (i32.add (local.get $digits) (local.get $exp)))))
                (br_if $fail (i32.eqz (local.get $digits)))
                (br_if $fail (i32.gt_u (local.get $digits) (i32.const 15)))
                (local.set $v (f64.convert_i64_u (local.get $m)))
                (if (local.get $exp)
                  (then (local.set $v (f64.div (local.get $v) (f64.load offset=64 (i32.shl (local.get $exp) (i32.const 3)))))))
                (local.set $v
                  (f64.reinterpret_i64
                    (i64.or (i64.reinterpret_f64 (local.get $v))
                      (i64.shl (i64.extend_i32_u (local.get $neg)) (i64.const 63)))))
                (f64.store
                  (i32.add (local.get $out)
                    (i32.shl (i32.add (i32.mul (local.get $rows) (local.get $width)) (local.get $slot)) (i32.const 3)))
                  (local.get $v))))
            (br_if $fail (i32.gt_u (i32.sub (local.get $p) (local.get $fieldStart)) (local.get $maxField)))
            (local.set $c (i32.load8_u (local.get $p)))
            (local.set $field (i32.add (local.get $field) (i32.const 1)))
            (if (i32.eq (local.get $c) (local.get $delim))
              (then
                (br_if $fail (i32.eq (local.get $field) (local.get $fields)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $nextField)))
            (br_if $fail (i32.ne (local.get $field) (local.get $fields)))
            (if (i32.eq (local.get $c) (i32.const 10))
              (then
                (local.set $lf (i32.add (local.get $lf) (i32.const 1)))
                (local.set $p (i32.add (local.get $p) (i32.const 1))))
              (else
                (br_if $fail (i32.ne (local.get $c) (i32.const 13)))
                (br_if $fail (i32.ne (i32.load8_u offset=1 (local.get $p)) (i32.const 10)))
                (local.set $crlf (i32.add (local.get $crlf) (i32.const 1)))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))))
            (local.set $rows (i32.add (local.get $rows) (i32.const 1)))
            (br $nextRow)))
        (local.set $p (local.get $rowStart))))
    (global.set $pos (local.get $p))
    (global.set $lfs (local.get $lf))
    (global.set $crlfs (local.get $crlf))
    (local.get $rows)))
