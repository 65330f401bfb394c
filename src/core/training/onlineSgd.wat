;; Online SGD for squared loss, one update per row in stream order, in WebAssembly: the loop of
;; `sgdRows` in onlineKernel.ts for a linear model, with the same operations in the same order (the
;; same numbers bit for bit; a test holds the two together). Why: that loop was the largest cost
;; of the online run's main thread, 83–112 ms of 1M × 16 rows here, against 26–35 ms for this one
;; with its copies in and out; in JavaScript each weight and value is read with a bounds check and
;; the loop runs a weight at a time, here two at a time (f64x2), the prediction's four partial sums
;; as two pairs. Logistic loss stays in JavaScript (WebAssembly has no exp or log).
;;
;; Assembled by scripts/build-wasm.mjs into onlineSgd.generated.ts (a test checks they agree).
;;
;; squared(data, count, p, w, last, bias, lr, scoring, rowLoss, rowY, sums, phase): rows are p + 1
;; float32 at data (the standardised features, then the target); w and last are p + 1 float64 at
;; 16-byte aligned addresses (the weights, the bias last; `last` the weights at the last check);
;; sums holds float64 [Σ loss, Σ squared error, Σ y, Σ y²], added to; a scored row's squared error
;; and y go to rowLoss and rowY. `phase` is the rows seen before this call modulo 256: every 256th
;; row overall and the call's last row check the run (a non-finite loss since the last check, or
;; a non-finite weight, restores `last` and stops: `diverged` is then 1). Returns the rows learnt.
(module
  (memory (export "memory") 1)
  (global $diverged (export "diverged") (mut i32) (i32.const 0))
  (func (export "squared")
    (param $data i32) (param $count i32) (param $p i32) (param $w i32) (param $last i32)
    (param $bias i32) (param $lr f64) (param $scoring i32) (param $rowLoss i32) (param $rowY i32)
    (param $sums i32) (param $phase i32)
    (result i32)
    (local $r i32) (local $row i32) (local $j i32) (local $quads i32) (local $at i32) (local $finite i32)
    (local $acc01 v128) (local $acc23 v128) (local $stepx2 v128)
    (local $z0 f64) (local $z f64) (local $y f64) (local $residual f64) (local $loss f64)
    (local $squared f64) (local $step f64) (local $block f64)
    (local $sumLoss f64) (local $sumSquared f64) (local $sumY f64) (local $sumYY f64)
    (global.set $diverged (i32.const 0))
    (local.set $sumLoss (f64.load (local.get $sums)))
    (local.set $sumSquared (f64.load offset=8 (local.get $sums)))
    (local.set $sumY (f64.load offset=16 (local.get $sums)))
    (local.set $sumYY (f64.load offset=24 (local.get $sums)))
    ;; Weights in whole groups of four (the rest one at a time, into the first partial sum).
    (local.set $quads (i32.and (local.get $p) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $row
          (i32.add (local.get $data)
            (i32.shl (i32.mul (local.get $r) (i32.add (local.get $p) (i32.const 1))) (i32.const 2))))
        (local.set $y (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))))
        ;; z = bias + ((z0 + z1) + (z2 + z3)), z_k the sum over the weights j ≡ k (mod 4).
        (local.set $acc01 (v128.const i64x2 0 0))
        (local.set $acc23 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_u (local.get $j) (local.get $quads)))
            (local.set $acc01
              (f64x2.add (local.get $acc01)
                (f64x2.mul
                  (v128.load (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
                  (f64x2.promote_low_f32x4
                    (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $acc23
              (f64x2.add (local.get $acc23)
                (f64x2.mul
                  (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
                  (f64x2.promote_low_f32x4
                    (v128.load64_zero offset=8 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $dot)))
        (local.set $z0 (f64x2.extract_lane 0 (local.get $acc01)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $j) (local.get $p)))
            (local.set $z0
              (f64.add (local.get $z0)
                (f64.mul
                  (f64.load (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rest)))
        (local.set $z
          (f64.add
            (f64.add (local.get $z0) (f64x2.extract_lane 1 (local.get $acc01)))
            (f64.add (f64x2.extract_lane 0 (local.get $acc23)) (f64x2.extract_lane 1 (local.get $acc23)))))
        (local.set $z
          (f64.add
            (if (result f64) (local.get $bias)
              (then (f64.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
              (else (f64.const 0)))
            (local.get $z)))
        (local.set $residual (f64.sub (local.get $z) (local.get $y)))
        (local.set $loss (f64.mul (f64.mul (f64.const 0.5) (local.get $residual)) (local.get $residual)))
        (if (local.get $scoring)
          (then
            (local.set $squared (f64.mul (local.get $residual) (local.get $residual)))
            (local.set $sumSquared (f64.add (local.get $sumSquared) (local.get $squared)))
            (local.set $sumY (f64.add (local.get $sumY) (local.get $y)))
            (local.set $sumYY (f64.add (local.get $sumYY) (f64.mul (local.get $y) (local.get $y))))
            (local.set $sumLoss (f64.add (local.get $sumLoss) (local.get $loss)))
            (f64.store (i32.add (local.get $rowLoss) (i32.shl (local.get $r) (i32.const 3))) (local.get $squared))
            (f64.store (i32.add (local.get $rowY) (i32.shl (local.get $r) (i32.const 3))) (local.get $y))))
        ;; w_j ← w_j − step · x_j, two at a time.
        (local.set $step (f64.mul (local.get $lr) (local.get $residual)))
        (local.set $stepx2 (f64x2.splat (local.get $step)))
        (local.set $j (i32.const 0))
        (block $updateDone
          (loop $update
            (br_if $updateDone (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $p)))
            (local.set $at (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
            (v128.store (local.get $at)
              (f64x2.sub (v128.load (local.get $at))
                (f64x2.mul (local.get $stepx2)
                  (f64x2.promote_low_f32x4
                    (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $update)))
        (if (i32.lt_u (local.get $j) (local.get $p))
          (then
            (local.set $at (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.sub (f64.load (local.get $at))
                (f64.mul (local.get $step)
                  (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))))))
        (if (local.get $bias)
          (then
            (local.set $at (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))
            (f64.store (local.get $at) (f64.sub (f64.load (local.get $at)) (local.get $step)))))
        (local.set $block (f64.add (local.get $block) (local.get $loss)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $phase (i32.add (local.get $phase) (i32.const 1)))
        (if (i32.eq (local.get $phase) (i32.const 256)) (then (local.set $phase (i32.const 0))))
        (if (i32.or (i32.eqz (local.get $phase)) (i32.eq (local.get $r) (local.get $count)))
          (then
            ;; Finite: x − x is 0 (NaN for ±Infinity and NaN).
            (local.set $finite (f64.eq (f64.sub (local.get $block) (local.get $block)) (f64.const 0)))
            (local.set $j (i32.const 0))
            (block $checked
              (loop $check
                (br_if $checked (i32.gt_u (local.get $j) (local.get $p)))
                (local.set $z (f64.load (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $finite (i32.and (local.get $finite) (f64.eq (f64.sub (local.get $z) (local.get $z)) (f64.const 0))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $check)))
            (local.set $j (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 3)))
            (if (local.get $finite)
              (then
                (memory.copy (local.get $last) (local.get $w) (local.get $j))
                (local.set $block (f64.const 0)))
              (else
                (memory.copy (local.get $w) (local.get $last) (local.get $j))
                (global.set $diverged (i32.const 1))
                (br $done)))))
        (br $rows)))
    (f64.store (local.get $sums) (local.get $sumLoss))
    (f64.store offset=8 (local.get $sums) (local.get $sumSquared))
    (f64.store offset=16 (local.get $sums) (local.get $sumY))
    (f64.store offset=24 (local.get $sums) (local.get $sumYY))
    (local.get $r)))
