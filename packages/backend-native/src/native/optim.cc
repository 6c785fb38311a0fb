// Fused SGD and Adam/AdamW parameter updates: one pass per parameter instead of 2–13 elementwise kernels, with the
// float32 rounding after every operation that PyTorch 1.13's op-by-op update has (and core's cpu kernels in
// packages/core/src/optim/kernels replicate). A float op on two floats rounds as the JavaScript f(double op) does
// (double has more than twice float's precision); where JavaScript mixes in a double hyperparameter, so does this
// code, and the build turns contraction into fused multiply-adds off (binding.gyp).
#include <algorithm>
#include <cmath>

#include "common.h"

namespace tk {
namespace {

// Below this many elements waking OpenMP's second thread costs more than it saves.
constexpr long kParallelFrom = 1 << 16;

float f(double x) { return static_cast<float>(x); }


struct SgdConstants {
  double lr, momentum, weightDecay;
  float keep, sign;
};

// The loops over a range are plain functions with the options as template parameters, so that each body is
// branch-free and vectorises: inside an OpenMP region the compiler reloads the shared constants after every
// store instead. Outputs are fresh buffers, never an input (__restrict).
template <bool kDecay, bool kMomentum, bool kPrev, bool kNesterov>
TK_VECTOR_CLONES void sgdRange(long begin, long end, const float* __restrict p, const float* __restrict g,
                               const float* __restrict prev, float* __restrict pOut, float* __restrict bufOut,
                               SgdConstants c) {
  const double lr = c.lr, momentum = c.momentum, weightDecay = c.weightDecay;
  const float keep = c.keep, sign = c.sign;
  for (long i = begin; i < end; i++) {
    const float theta = p[i];
    float d = sign * g[i];
    if (kDecay) d = d + f(theta * weightDecay);
    if (kMomentum) {
      const float b = kPrev ? f(prev[i] * momentum) + d * keep : d;
      bufOut[i] = b;
      d = kNesterov ? d + f(b * momentum) : b;
    }
    pOut[i] = theta - f(d * lr);
  }
}

using SgdRange = void (*)(long, long, const float*, const float*, const float*, float*, float*, SgdConstants);

SgdRange sgdRangeFor(bool decay, bool momentum, bool prev, bool nesterov) {
  static const SgdRange ranges[16] = {
      sgdRange<0, 0, 0, 0>, sgdRange<0, 0, 0, 1>, sgdRange<0, 0, 1, 0>, sgdRange<0, 0, 1, 1>,
      sgdRange<0, 1, 0, 0>, sgdRange<0, 1, 0, 1>, sgdRange<0, 1, 1, 0>, sgdRange<0, 1, 1, 1>,
      sgdRange<1, 0, 0, 0>, sgdRange<1, 0, 0, 1>, sgdRange<1, 0, 1, 0>, sgdRange<1, 0, 1, 1>,
      sgdRange<1, 1, 0, 0>, sgdRange<1, 1, 0, 1>, sgdRange<1, 1, 1, 0>, sgdRange<1, 1, 1, 1>,
  };
  return ranges[decay * 8 + momentum * 4 + prev * 2 + nesterov];
}

struct AdamConstants {
  double b1, b2, eps, l2, stepSize, bc2Sqrt;
  float decay, sign;
};

template <bool kL2, bool kAmsgrad, bool kDecoupled>
TK_VECTOR_CLONES void adamRange(long begin, long end, const float* __restrict p, const float* __restrict g,
                                const float* __restrict m, const float* __restrict v, const float* __restrict vMax,
                                float* __restrict pOut, float* __restrict mOut, float* __restrict vOut,
                                float* __restrict vMaxOut, AdamConstants c) {
  const double b1 = c.b1, b2 = c.b2, eps = c.eps, l2 = c.l2, stepSize = c.stepSize, bc2Sqrt = c.bc2Sqrt;
  const float decay = c.decay, sign = c.sign;
  const float oneMinusB1 = f(1 - b1), oneMinusB2 = f(1 - b2);
  for (long i = begin; i < end; i++) {
    const float theta = p[i];
    float gi = sign * g[i];
    if (kL2) gi = gi + f(theta * l2);
    const float mi = f(m[i] * b1) + gi * oneMinusB1;
    const float vi = f(v[i] * b2) + (gi * gi) * oneMinusB2;
    mOut[i] = mi;
    vOut[i] = vi;
    float vHat = vi;
    if (kAmsgrad) {
      // Math.max: NaN wins
      vHat = std::isnan(vMax[i]) || std::isnan(vi) ? NAN : std::max(vMax[i], vi);
      vMaxOut[i] = vHat;
    }
    const float denom = f(f(double(__builtin_sqrtf(vHat)) / bc2Sqrt) + eps);
    pOut[i] = (kDecoupled ? theta * decay : theta) - f(stepSize * (mi / denom));
  }
}

using AdamRange = void (*)(long, long, const float*, const float*, const float*, const float*, const float*, float*,
                           float*, float*, float*, AdamConstants);

AdamRange adamRangeFor(bool l2, bool amsgrad, bool decoupled) {
  static const AdamRange ranges[8] = {
      adamRange<0, 0, 0>, adamRange<0, 0, 1>, adamRange<0, 1, 0>, adamRange<0, 1, 1>,
      adamRange<1, 0, 0>, adamRange<1, 0, 1>, adamRange<1, 1, 0>, adamRange<1, 1, 1>,
  };
  return ranges[l2 * 4 + amsgrad * 2 + decoupled];
}

std::vector<double> doublesArg(napi_env env, napi_value v, size_t count, const char* what) {
  napi_typedarray_type type;
  size_t n = 0;
  void* data = nullptr;
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  if (isTyped) napi_get_typedarray_info(env, v, &type, &n, &data, nullptr, nullptr);
  if (!isTyped || type != napi_float64_array || n != count) {
    throw std::runtime_error(std::string(what) + ": expected a Float64Array of " + std::to_string(count) +
                             " hyperparameters");
  }
  const double* p = static_cast<const double*>(data);
  return std::vector<double>(p, p + n);
}

}  // namespace

// sgdUpdate(param, grad, momentumBuffer | null, paramOut, bufferOut | null,
//           [lr, momentum, dampening, weightDecay, nesterov, maximize])
napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, info, 6, [&](napi_value* a) {
    size_t n = 0, gn = 0;
    const float* p = floatArg(env, a[0], &n);
    const float* g = floatArg(env, a[1], &gn);
    const float* prev = optionalFloatArg(env, a[2]);
    float* pOut = floatArg(env, a[3]);
    float* bufOut = optionalFloatArg(env, a[4]);
    if (gn != n) throw std::runtime_error("sgdUpdate: gradient length differs from the parameter's");
    const auto h = doublesArg(env, a[5], 6, "sgdUpdate");
    if (prev && !bufOut) throw std::runtime_error("sgdUpdate: a momentum buffer without momentum");
    const auto range = sgdRangeFor(h[3] != 0, bufOut != nullptr, prev != nullptr, h[4] != 0);
    const SgdConstants c{h[0], h[1], h[3], f(1 - h[2]), h[5] != 0 ? -1.f : 1.f};
    inRanges(long(n), kParallelFrom, [&](long begin, long end) { range(begin, end, p, g, prev, pOut, bufOut, c); });
  });
}

// adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, paramOut, expAvgOut, expAvgSqOut, maxOut | null,
//            [beta1, beta2, eps, l2, stepSize, bc2Sqrt, decay, sign]) — the constants as core's adamUpdateConstants
//            computes them, so that both backends round alike
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, info, 10, [&](napi_value* a) {
    size_t n = 0, gn = 0;
    const float* p = floatArg(env, a[0], &n);
    const float* g = floatArg(env, a[1], &gn);
    const float* m = floatArg(env, a[2]);
    const float* v = floatArg(env, a[3]);
    const float* vMax = optionalFloatArg(env, a[4]);
    float* pOut = floatArg(env, a[5]);
    float* mOut = floatArg(env, a[6]);
    float* vOut = floatArg(env, a[7]);
    float* vMaxOut = optionalFloatArg(env, a[8]);
    if (gn != n) throw std::runtime_error("adamUpdate: gradient length differs from the parameter's");
    if ((vMax == nullptr) != (vMaxOut == nullptr)) throw std::runtime_error("adamUpdate: amsgrad needs both max buffers");
    const auto h = doublesArg(env, a[9], 8, "adamUpdate");
    // decay is 1 for Adam: θ·1 would round like θ, but the JavaScript kernels skip the product, so this does too
    const auto range = adamRangeFor(h[3] != 0, vMaxOut != nullptr, f(h[6]) != 1.f);
    const AdamConstants c{h[0], h[1], h[2], h[3], h[4], h[5], f(h[6]), f(h[7])};
    inRanges(long(n), kParallelFrom, [&](long begin, long end) {
      range(begin, end, p, g, m, v, vMax, pOut, mOut, vOut, vMaxOut, c);
    });
  });
}

}  // namespace tk
