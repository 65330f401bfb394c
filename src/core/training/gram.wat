;; The sums of the normal equations in WebAssembly, two lanes at a time (f64x2): for each row,
;; with a = [x_0 … x_{f-1}, y, 1] (zero-padded to an even length mp), G += a aᵀ (the upper
;; triangle, in pairs of columns). Each block of 256 rows is summed into `partial` and then added
;; to `total`, which keeps the rounding of a long sum in check; a block may span calls (`filled`
;; rows are in `partial` already; the new count is returned), so how rows are split into calls
;; changes nothing. G then holds everything the
;; normal equations need: XᵀX, Xᵀy, yᵀy, the column sums (bias), Σy and the row count.
;; See closedForm.ts (NormalEquations) for why and for the JavaScript version it is tested against.
;;
;; Assembled by scripts/build-wasm.mjs into gram.generated.ts (a test checks they agree).
;;
;; accumulate(values, starts, count, f, aug, partial, total, mp, filled): row k is f + 1 float64 at
;; values + 8·starts[k] (the features, then the target). `aug` holds mp float64 whose entries
;; f + 1 (the 1) and beyond (padding) the caller sets once; rows are copied to its start.
(module
  (memory (export "memory") 1)
  (func (export "accumulate")
    (param $values i32) (param $starts i32) (param $count i32) (param $f i32)
    (param $aug i32) (param $partial i32) (param $total i32) (param $mp i32) (param $filled i32)
    (result i32)
    (local $r i32) (local $row i32) (local $k i32) (local $i i32) (local $j i32) (local $ai v128)
    (local $line i32) (local $m i32) (local $bytes i32) (local $address i32)
    (local.set $m (i32.add (local.get $f) (i32.const 2)))
    (local.set $bytes (i32.shl (i32.mul (local.get $mp) (local.get $mp)) (i32.const 3)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
        (if (i32.eqz (local.get $filled))
          (then (memory.fill (local.get $partial) (i32.const 0) (local.get $bytes))))
        (local.set $row
          (i32.add (local.get $values)
            (i32.shl (i32.load (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2))))
              (i32.const 3))))
        ;; aug[0 … f] = the row (features, then the target)
        (local.set $k (i32.const 0))
        (loop $copy
          (f64.store
            (i32.add (local.get $aug) (i32.shl (local.get $k) (i32.const 3)))
            (f64.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $copy (i32.le_u (local.get $k) (local.get $f))))
        ;; partial[i][j, j+1] += aug[i] · aug[j, j+1] for j from i rounded down to even
        (local.set $i (i32.const 0))
        (loop $outer
          (local.set $ai
            (f64x2.splat (f64.load (i32.add (local.get $aug) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $line
            (i32.add (local.get $partial) (i32.shl (i32.mul (local.get $i) (local.get $mp)) (i32.const 3))))
          (local.set $j (i32.and (local.get $i) (i32.const -2)))
          (loop $inner
            (local.set $address (i32.add (local.get $line) (i32.shl (local.get $j) (i32.const 3))))
            (v128.store (local.get $address)
              (f64x2.add
                (v128.load (local.get $address))
                (f64x2.mul (local.get $ai)
                  (v128.load (i32.add (local.get $aug) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $inner (i32.lt_u (local.get $j) (local.get $mp))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $outer (i32.lt_u (local.get $i) (local.get $m))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $filled (i32.add (local.get $filled) (i32.const 1)))
        ;; a whole block: total += partial
        (if (i32.eq (local.get $filled) (i32.const 256))
          (then
            (local.set $filled (i32.const 0))
            (local.set $k (i32.const 0))
            (loop $add
              (v128.store (i32.add (local.get $total) (local.get $k))
                (f64x2.add
                  (v128.load (i32.add (local.get $total) (local.get $k)))
                  (v128.load (i32.add (local.get $partial) (local.get $k)))))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br_if $add (i32.lt_u (local.get $k) (local.get $bytes))))))
        (br $rows)))
    (local.get $filled)))
