;; Plain numeric CSV rows, parsed in WebAssembly: the loop of CsvTokenizer.nextPlainNumericRow
;; (src/core/csv/tokenizer.ts), row after row, with the same rules and the same numbers. Why:
;; measured on 1M rows x 17 columns (157 MB), ~0.25 s here against ~0.55 s for the JavaScript loop
;; once optimised and ~0.8 s in a fresh process (it runs interpreted until the JIT catches up; this
;; is compiled before the first row, and reads bytes without a bounds check each). Digits go into
;; an i64 one at a time: eight at a time (SWAR) was tried and measured no faster.
;;
;; Assembled by scripts/build-wasm.mjs into plainRows.generated.ts (a test checks they agree).
;;
;; Memory: f64 10^0 .. 10^22 at 64 (exact doubles: mantissa / 10^k then rounds as Number() does),
;; the unquoted stop bytes at 256 (delimiter, CR, LF, NUL, non-ASCII: 1), and, placed by the caller,
;; the slots (i32 per header field: the output column; -1 to skip the field; -2 - k for category
;; field k, whose bytes are left to the caller: their start and end addresses go to `cats`, an i32
;; pair per category field, `catWidth` pairs per row), the input bytes and the output rows (f64,
;; `width` per row). A category field is plain when it is unquoted ASCII (else the row is not). `rows` reads from $p up to $end, which is just past a line
;; feed: every scan stops at that LF at the latest. It returns the rows read; `pos` is then where
;; the first row it did not take starts (a row that is not plain is left whole for the general
;; path), `lf` and `crlf` count the row terminators.
(module
  (memory (export "memory") 1)
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
    (local $lf i32) (local $crlf i32)
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
                (local.set $neg (i32.const 0))
                (if (i32.eq (local.get $c) (i32.const 45))
                  (then
                    (local.set $neg (i32.const 1))
                    (local.set $p (i32.add (local.get $p) (i32.const 1))))
                  (else
                    (if (i32.eq (local.get $c) (i32.const 43))
                      (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))))
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
                        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
                        (br_if $fracDone (i32.gt_u (local.get $c) (i32.const 9)))
                        (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (br $frac)))
                    (local.set $exp (i32.sub (local.get $p) (local.get $fracStart)))
                    (local.set $digits (i32.add (local.get $digits) (local.get $exp)))))
                (br_if $fail (i32.eqz (local.get $digits)))
                (br_if $fail (i32.gt_u (local.get $digits) (i32.const 15)))
                (local.set $v (f64.convert_i64_u (local.get $m)))
                (if (local.get $exp)
                  (then (local.set $v (f64.div (local.get $v) (f64.load offset=64 (i32.shl (local.get $exp) (i32.const 3)))))))
                (if (local.get $neg) (then (local.set $v (f64.neg (local.get $v)))))
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
