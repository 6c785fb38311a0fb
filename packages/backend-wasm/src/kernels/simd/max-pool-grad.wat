;; dx of max pooling over NHWC float32 tensors in tfjs-backend-wasm's heap, 4 channels at a time (wasm SIMD): each
;; window's dy goes to the first position (row-major) whose x equals the window's maximum y, as in tfjs's cpu kernel
;; and PyTorch. dx must be zeroed by the caller; overlapping windows add up. Pointers are byte offsets.
;; Built into max-pool-grad-binary.ts by packages/backend-wasm/scripts/build-wat.mjs; MEMORY becomes tfjs's memory import.
(module
  (import "env" "memory" MEMORY)

  (func (export "maxPoolGrad")
    (param $x i32) (param $y i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $i i32) (local $j i32) (local $k i32) (local $r i32) (local $col i32)
    (local $rMin i32) (local $rMax i32) (local $cMin i32) (local $cMax i32) (local $c4 i32)
    (local $yAt i32) (local $at i32) (local $found i32)
    (local $y4 v128) (local $d4 v128) (local $seen v128) (local $take v128) (local $ys f32)
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (loop $lb
      (local.set $i (i32.const 0))
      (loop $li
        (local.set $rMin (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $top)))
        (local.set $rMax (i32.add (local.get $rMin) (local.get $kh)))
        (if (i32.lt_s (local.get $rMin) (i32.const 0)) (then (local.set $rMin (i32.const 0))))
        (if (i32.gt_s (local.get $rMax) (local.get $h)) (then (local.set $rMax (local.get $h))))
        (local.set $j (i32.const 0))
        (loop $lj
          (local.set $cMin (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $left)))
          (local.set $cMax (i32.add (local.get $cMin) (local.get $kw)))
          (if (i32.lt_s (local.get $cMin) (i32.const 0)) (then (local.set $cMin (i32.const 0))))
          (if (i32.gt_s (local.get $cMax) (local.get $w)) (then (local.set $cMax (local.get $w))))
          ;; element index of y[b, i, j, 0]
          (local.set $yAt (i32.mul
            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $i)) (local.get $ow))
              (local.get $j))
            (local.get $c)))
          (local.set $k (i32.const 0))
          ;; 4 channels at a time
          (block $vdone
            (loop $lk
              (br_if $vdone (i32.ge_s (local.get $k) (local.get $c4)))
              (local.set $y4 (v128.load (i32.add (local.get $y)
                (i32.shl (i32.add (local.get $yAt) (local.get $k)) (i32.const 2)))))
              (local.set $d4 (v128.load (i32.add (local.get $dy)
                (i32.shl (i32.add (local.get $yAt) (local.get $k)) (i32.const 2)))))
              (local.set $seen (v128.const i32x4 0 0 0 0))
              (local.set $r (local.get $rMin))
              (block $rdone
                (loop $lr
                  (br_if $rdone (i32.ge_s (local.get $r) (local.get $rMax)))
                  (local.set $col (local.get $cMin))
                  (block $cdone
                    (loop $lc
                      (br_if $cdone (i32.ge_s (local.get $col) (local.get $cMax)))
                      (local.set $at (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $r))
                              (local.get $w)) (local.get $col))
                            (local.get $c))
                          (local.get $k))
                        (i32.const 2)))
                      (local.set $take (v128.andnot
                        (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $y4))
                        (local.get $seen)))
                      (if (v128.any_true (local.get $take))
                        (then
                          (v128.store (i32.add (local.get $dx) (local.get $at))
                            (f32x4.add (v128.load (i32.add (local.get $dx) (local.get $at)))
                              (v128.and (local.get $d4) (local.get $take))))
                          (local.set $seen (v128.or (local.get $seen) (local.get $take)))))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br $lc)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $lr)))
              (local.set $k (i32.add (local.get $k) (i32.const 4)))
              (br $lk)))
          ;; the channels left over, one at a time
          (block $sdone
            (loop $ls
              (br_if $sdone (i32.ge_s (local.get $k) (local.get $c)))
              (local.set $ys (f32.load (i32.add (local.get $y)
                (i32.shl (i32.add (local.get $yAt) (local.get $k)) (i32.const 2)))))
              (local.set $found (i32.const 0))
              (local.set $r (local.get $rMin))
              (block $srdone
                (loop $lsr
                  (br_if $srdone (i32.or (local.get $found) (i32.ge_s (local.get $r) (local.get $rMax))))
                  (local.set $col (local.get $cMin))
                  (block $scdone
                    (loop $lsc
                      (br_if $scdone (i32.or (local.get $found) (i32.ge_s (local.get $col) (local.get $cMax))))
                      (local.set $at (i32.shl
                        (i32.add
                          (i32.mul
                            (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $r))
                              (local.get $w)) (local.get $col))
                            (local.get $c))
                          (local.get $k))
                        (i32.const 2)))
                      (if (f32.eq (f32.load (i32.add (local.get $x) (local.get $at))) (local.get $ys))
                        (then
                          (f32.store (i32.add (local.get $dx) (local.get $at))
                            (f32.add (f32.load (i32.add (local.get $dx) (local.get $at)))
                              (f32.load (i32.add (local.get $dy)
                                (i32.shl (i32.add (local.get $yAt) (local.get $k)) (i32.const 2))))))
                          (local.set $found (i32.const 1))))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br $lsc)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $lsr)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $ls)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $lj (i32.lt_s (local.get $j) (local.get $ow))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $li (i32.lt_s (local.get $i) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $lb (i32.lt_s (local.get $b) (local.get $n))))))
