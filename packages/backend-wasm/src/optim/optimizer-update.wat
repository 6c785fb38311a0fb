;; Fused optimizer updates over float32 arrays in tfjs-backend-wasm's heap, 4 lanes at a time (wasm SIMD).
;; The memory is tfjs's own, imported; pointers are byte offsets into it, n counts elements. Every operation rounds to
;; float32 in the order of the op-by-op update in adam.ts and sgd.ts, so both paths give the same numbers.
;; Built into optimizer-update-binary.ts by packages/backend-wasm/scripts/build-wat.mjs (wabt's wat2wasm); MEMORY
;; is replaced there by a plain or a shared memory import, matching tfjs's single-threaded or threaded build.
(module
  (import "env" "memory" MEMORY)

  ;; Adam / AdamW:  g ← sign·∇ (+ l2·θ);  m ← m·β₁ + g·(1 − β₁);  v ← v·β₂ + g²·(1 − β₂);  v̂ ← max(v̂, v) (amsgrad)
  ;;                θ ← θ·decay − (m / (√v̂ / bc2 + ε))·stepSize
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vmax i32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32) (param $vmaxOut i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32) (param $stepSize f32) (param $bc2 f32)
    (param $eps f32) (param $decay f32) (param $l2 f32) (param $sign f32) (param $useL2 i32) (param $amsgrad i32)
    (local $i i32) (local $off i32) (local $end i32)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128) (local $STEP v128) (local $BC2 v128)
    (local $EPS v128) (local $DECAY v128) (local $L2 v128) (local $SIGN v128)
    (local $pi v128) (local $gi v128) (local $mi v128) (local $vi v128)
    (local $ps f32) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $STEP (f32x4.splat (local.get $stepSize)))
    (local.set $BC2 (f32x4.splat (local.get $bc2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $DECAY (f32x4.splat (local.get $decay)))
    (local.set $L2 (f32x4.splat (local.get $l2)))
    (local.set $SIGN (f32x4.splat (local.get $sign)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $pi (v128.load (i32.add (local.get $p) (local.get $off))))
        (local.set $gi (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $off))) (local.get $SIGN)))
        (if (local.get $useL2)
          (then (local.set $gi (f32x4.add (local.get $gi) (f32x4.mul (local.get $pi) (local.get $L2))))))
        (local.set $mi (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $off))) (local.get $B1))
          (f32x4.mul (local.get $gi) (local.get $C1))))
        (local.set $vi (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $off))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $C2))))
        (v128.store (i32.add (local.get $mOut) (local.get $off)) (local.get $mi))
        (v128.store (i32.add (local.get $vOut) (local.get $off)) (local.get $vi))
        (if (local.get $amsgrad)
          (then
            (local.set $vi (f32x4.max (v128.load (i32.add (local.get $vmax) (local.get $off))) (local.get $vi)))
            (v128.store (i32.add (local.get $vmaxOut) (local.get $off)) (local.get $vi))))
        (v128.store (i32.add (local.get $pOut) (local.get $off))
          (f32x4.sub
            (f32x4.mul (local.get $pi) (local.get $DECAY))
            (f32x4.mul
              (f32x4.div (local.get $mi)
                (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi)) (local.get $BC2)) (local.get $EPS)))
              (local.get $STEP))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vloop)))
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $ps (f32.load (i32.add (local.get $p) (local.get $off))))
        (local.set $gs (f32.mul (f32.load (i32.add (local.get $g) (local.get $off))) (local.get $sign)))
        (if (local.get $useL2)
          (then (local.set $gs (f32.add (local.get $gs) (f32.mul (local.get $ps) (local.get $l2))))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $off))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $off))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mOut) (local.get $off)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $off)) (local.get $vs))
        (if (local.get $amsgrad)
          (then
            (local.set $vs (f32.max (f32.load (i32.add (local.get $vmax) (local.get $off))) (local.get $vs)))
            (f32.store (i32.add (local.get $vmaxOut) (local.get $off)) (local.get $vs))))
        (f32.store (i32.add (local.get $pOut) (local.get $off))
          (f32.sub
            (f32.mul (local.get $ps) (local.get $decay))
            (f32.mul
              (f32.div (local.get $ms)
                (f32.add (f32.div (f32.sqrt (local.get $vs)) (local.get $bc2)) (local.get $eps)))
              (local.get $stepSize))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sloop))))

  ;; SGD:  d ← sign·∇ (+ l2·θ);  with momentum b ← d on the first step, else b·μ + d·(1 − τ);  d ← d + b·μ (nesterov)
  ;;       or b;  θ ← θ − d·lr
  (func (export "sgd")
    (param $p i32) (param $g i32) (param $buf i32) (param $pOut i32) (param $bufOut i32) (param $n i32)
    (param $lr f32) (param $mu f32) (param $keep f32) (param $l2 f32) (param $sign f32)
    (param $useL2 i32) (param $momentum i32) (param $hasBuf i32) (param $nesterov i32)
    (local $i i32) (local $off i32) (local $end i32)
    (local $LR v128) (local $MU v128) (local $KEEP v128) (local $L2 v128) (local $SIGN v128)
    (local $pi v128) (local $di v128) (local $bi v128)
    (local $ps f32) (local $ds f32) (local $bs f32)
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $MU (f32x4.splat (local.get $mu)))
    (local.set $KEEP (f32x4.splat (local.get $keep)))
    (local.set $L2 (f32x4.splat (local.get $l2)))
    (local.set $SIGN (f32x4.splat (local.get $sign)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $pi (v128.load (i32.add (local.get $p) (local.get $off))))
        (local.set $di (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $off))) (local.get $SIGN)))
        (if (local.get $useL2)
          (then (local.set $di (f32x4.add (local.get $di) (f32x4.mul (local.get $pi) (local.get $L2))))))
        (if (local.get $momentum)
          (then
            (local.set $bi (local.get $di))
            (if (local.get $hasBuf)
              (then (local.set $bi (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $buf) (local.get $off))) (local.get $MU))
                (f32x4.mul (local.get $di) (local.get $KEEP))))))
            (v128.store (i32.add (local.get $bufOut) (local.get $off)) (local.get $bi))
            (if (local.get $nesterov)
              (then (local.set $di (f32x4.add (local.get $di) (f32x4.mul (local.get $bi) (local.get $MU)))))
              (else (local.set $di (local.get $bi))))))
        (v128.store (i32.add (local.get $pOut) (local.get $off))
          (f32x4.sub (local.get $pi) (f32x4.mul (local.get $di) (local.get $LR))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vloop)))
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $ps (f32.load (i32.add (local.get $p) (local.get $off))))
        (local.set $ds (f32.mul (f32.load (i32.add (local.get $g) (local.get $off))) (local.get $sign)))
        (if (local.get $useL2)
          (then (local.set $ds (f32.add (local.get $ds) (f32.mul (local.get $ps) (local.get $l2))))))
        (if (local.get $momentum)
          (then
            (local.set $bs (local.get $ds))
            (if (local.get $hasBuf)
              (then (local.set $bs (f32.add
                (f32.mul (f32.load (i32.add (local.get $buf) (local.get $off))) (local.get $mu))
                (f32.mul (local.get $ds) (local.get $keep))))))
            (f32.store (i32.add (local.get $bufOut) (local.get $off)) (local.get $bs))
            (if (local.get $nesterov)
              (then (local.set $ds (f32.add (local.get $ds) (f32.mul (local.get $bs) (local.get $mu)))))
              (else (local.set $ds (local.get $bs))))))
        (f32.store (i32.add (local.get $pOut) (local.get $off))
          (f32.sub (local.get $ps) (f32.mul (local.get $ds) (local.get $lr))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sloop)))))
