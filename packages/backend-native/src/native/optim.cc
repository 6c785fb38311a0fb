// Fused SGD and Adam/AdamW parameter updates: one pass per parameter instead of 2–13 elementwise kernels, with the
// float32 rounding after every operation that PyTorch 1.13's op-by-op update has (and core's cpu kernels in
// packages/core/src/optim/kernels replicate). A float op on two floats rounds as the JavaScript f(double op) does
// (double has more than twice float's precision); where JavaScript mixes in a double hyperparameter, so does this
// code, and the build turns contraction into fused multiply-adds off (binding.gyp).
#include <cmath>

#include "common.h"

namespace tk {
namespace {

// Below this many elements waking OpenMP's second thread costs more than it saves.
constexpr long kParallelFrom = 1 << 16;

float f(double x) { return static_cast<float>(x); }

// Built for the baseline x86-64 ISA and dispatched at load time to an AVX2 or AVX-512 copy where the CPU has one:
// these loops mix float and double arithmetic, which SSE2 runs two lanes at a time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TK_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TK_VECTOR_CLONES
#endif

struct SgdConstants {
  double lr, momentum, weightDecay;
  bool nesterov;
  float keep, sign;
};

TK_VECTOR_CLONES void sgdLoop(long n, const float* p, const float* g, const float* prev, float* pOut, float* bufOut,
                              const SgdConstants& c) {
  const double lr = c.lr, momentum = c.momentum, weightDecay = c.weightDecay;
  const bool nesterov = c.nesterov;
  const float keep = c.keep, sign = c.sign;
#pragma omp parallel for if (n >= kParallelFrom)
  for (long i = 0; i < n; i++) {
    const float theta = p[i];
    float d = sign * g[i];
    if (weightDecay != 0) d = d + f(theta * weightDecay);
    if (bufOut) {
      const float b = prev ? f(prev[i] * momentum) + d * keep : d;
      bufOut[i] = b;
      d = nesterov ? d + f(b * momentum) : b;
    }
    pOut[i] = theta - f(d * lr);
  }
}

struct AdamConstants {
  double b1, b2, eps, l2, stepSize, bc2Sqrt;
  float decay, sign;
};

TK_VECTOR_CLONES void adamLoop(long n, const float* p, const float* g, const float* m, const float* v,
                               const float* vMax, float* pOut, float* mOut, float* vOut, float* vMaxOut,
                               const AdamConstants& c) {
  const double b1 = c.b1, b2 = c.b2, eps = c.eps, l2 = c.l2, stepSize = c.stepSize, bc2Sqrt = c.bc2Sqrt;
  const float decay = c.decay, sign = c.sign;
  const float oneMinusB1 = f(1 - b1), oneMinusB2 = f(1 - b2);
#pragma omp parallel for if (n >= kParallelFrom)
  for (long i = 0; i < n; i++) {
    const float theta = p[i];
    float gi = sign * g[i];
    if (l2 != 0) gi = gi + f(theta * l2);
    const float mi = f(m[i] * b1) + gi * oneMinusB1;
    const float vi = f(v[i] * b2) + (gi * gi) * oneMinusB2;
    mOut[i] = mi;
    vOut[i] = vi;
    float vHat = vi;
    if (vMaxOut) {
      // Math.max: NaN wins
      vHat = std::isnan(vMax[i]) || std::isnan(vi) ? NAN : std::max(vMax[i], vi);
      vMaxOut[i] = vHat;
    }
    const float denom = f(f(std::sqrt(vHat) / bc2Sqrt) + eps);
    pOut[i] = (decay == 1.f ? theta : theta * decay) - f(stepSize * (mi / denom));
  }
}

float* optionalFloatArg(napi_env env, napi_value v) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  return type == napi_null || type == napi_undefined ? nullptr : floatArg(env, v);
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
    sgdLoop(long(n), p, g, prev, pOut, bufOut,
            SgdConstants{h[0], h[1], h[3], h[4] != 0, f(1 - h[2]), h[5] != 0 ? -1.f : 1.f});
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
    adamLoop(long(n), p, g, m, v, vMax, pOut, mOut, vOut, vMaxOut,
             AdamConstants{h[0], h[1], h[2], h[3], h[4], h[5], f(h[6]), f(h[7])});
  });
}

}  // namespace tk
