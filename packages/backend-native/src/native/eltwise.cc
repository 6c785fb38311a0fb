// Unary elementwise ops (sqrt, square, relu, abs, neg) and tfjs's Step as vectorised C++ loops, where tfjs's cpu
// kernels are scalar JavaScript loops (Adam's sqrt over every parameter, every step). Not oneDNN's eltwise primitive:
// it took 40-70 µs for a 64×250 relu on one thread, where this loop takes a few.
#include <cmath>

#include "common.h"

namespace tk {
namespace {

// the kinds, as kernels/eltwise.ts numbers them (3 and 4, exp and log, stay on tfjs's cpu kernels)
template <int kKind>
TK_VECTOR_CLONES void unaryRange(const float* __restrict x, float* __restrict y, long begin, long end) {
  for (long i = begin; i < end; i++) {
    const float v = x[i];
    if (kKind == 0) y[i] = std::sqrt(v);
    if (kKind == 1) y[i] = v * v;
    if (kKind == 2) y[i] = v < 0.f ? 0.f : v;  // as tfjs: NaN stays NaN
    if (kKind == 5) y[i] = std::fabs(v);
    if (kKind == 6) y[i] = -v;
  }
}

using UnaryRange = void (*)(const float*, float*, long, long);

UnaryRange unaryFor(int kind) {
  switch (kind) {
    case 0: return unaryRange<0>;
    case 1: return unaryRange<1>;
    case 2: return unaryRange<2>;
    case 5: return unaryRange<5>;
    case 6: return unaryRange<6>;
    default: throw std::runtime_error("eltwise: unknown kind " + std::to_string(kind));
  }
}

// tfjs's Step: 1 where x > 0, alpha elsewhere, NaN stays NaN (relu's gradient is dy·step(x)). oneDNN has no such
// eltwise algorithm; a branch-free loop vectorises.
TK_VECTOR_CLONES void stepInto(const float* __restrict x, float* __restrict y, long n, float alpha) {
  for (long i = 0; i < n; i++) y[i] = x[i] != x[i] ? x[i] : x[i] > 0.f ? 1.f : alpha;
}

}  // namespace

// eltwise(x, y, key) with key kind, size
napi_value Eltwise(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    auto key = intsArg(env, a[2]);
    if (key.size() != 2) throw std::runtime_error("eltwise: bad key");
    size_t n = 0, m = 0;
    const float* x = floatArg(env, a[0], &n);
    float* y = floatArg(env, a[1], &m);
    if (long(n) != key[1] || m != n) throw std::runtime_error("eltwise: lengths differ from the key's size");
    const auto range = unaryFor(key[0]);
    inRanges(key[1], long(OneThreadIfSmall::kSmall), [&](long begin, long end) { range(x, y, begin, end); });
  });
}

// step(x, y, alpha)
napi_value Step(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    size_t n = 0, m = 0;
    const float* x = floatArg(env, a[0], &n);
    float* y = floatArg(env, a[1], &m);
    if (m != n) throw std::runtime_error("step: output length differs from the input's");
    stepInto(x, y, long(n), float(numberArg(env, a[2], 0)));
  });
}

}  // namespace tk
