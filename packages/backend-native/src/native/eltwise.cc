// Unary elementwise ops (sqrt, square, relu, exp, log, abs, neg) on oneDNN's eltwise primitive: vectorised and run
// on all cores, where tfjs's cpu kernels are scalar JS loops (Adam's sqrt over every parameter, every step).
#include "common.h"

namespace tk {
namespace {

using namespace dnnl;

struct Unary {
  eltwise_forward prim;
  memory x, y;
};

std::map<std::vector<int>, std::unique_ptr<Unary>> cache;

algorithm algorithmOf(int kind, float& alpha) {
  alpha = 0.f;
  switch (kind) {
    case 0: return algorithm::eltwise_sqrt;
    case 1: return algorithm::eltwise_square;
    case 2: return algorithm::eltwise_relu;
    case 3: return algorithm::eltwise_exp;
    case 4: return algorithm::eltwise_log;
    case 5: return algorithm::eltwise_abs;
    case 6: alpha = -1.f; return algorithm::eltwise_linear;  // y = -1·x + 0
    default: throw std::runtime_error("eltwise: unknown kind " + std::to_string(kind));
  }
}

}  // namespace

// eltwise(x, y, key) with key kind, size
napi_value Eltwise(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    auto key = intsArg(env, a[2]);
    if (key.size() != 2) throw std::runtime_error("eltwise: bad key");
    auto it = cache.find(key);
    if (it == cache.end()) {
      float alpha;
      const algorithm alg = algorithmOf(key[0], alpha);
      memory::desc md({long(key[1])}, dt::f32, tag::a);
      eltwise_forward::desc d(prop_kind::forward_inference, alg, md, alpha, 0.f);
      eltwise_forward::primitive_desc pd(d, eng());
      auto e = std::make_unique<Unary>();
      e->prim = eltwise_forward(pd);
      e->x = memory(md, eng(), DNNL_MEMORY_NONE);
      e->y = memory(md, eng(), DNNL_MEMORY_NONE);
      it = cache.emplace(key, std::move(e)).first;
    }
    auto& e = *it->second;
    e.x.set_data_handle(floatArg(env, a[0]));
    e.y.set_data_handle(floatArg(env, a[1]));
    OneThreadIfSmall small(size_t(key[1]));
    e.prim.execute(strm(), {{DNNL_ARG_SRC, e.x}, {DNNL_ARG_DST, e.y}});
    strm().wait();
  });
}

}  // namespace tk

namespace tk {
namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TK_STEP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TK_STEP_CLONES
#endif

// tfjs's Step: 1 where x > 0, alpha elsewhere, NaN stays NaN (relu's gradient is dy·step(x)). oneDNN has no such
// eltwise algorithm; a branch-free loop vectorises.
TK_STEP_CLONES void stepInto(const float* __restrict x, float* __restrict y, long n, float alpha) {
  for (long i = 0; i < n; i++) y[i] = x[i] != x[i] ? x[i] : x[i] > 0.f ? 1.f : alpha;
}

}  // namespace

// step(x, y, alpha)
napi_value Step(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    size_t n = 0, m = 0;
    const float* x = floatArg(env, a[0], &n);
    float* y = floatArg(env, a[1], &m);
    if (m != n) throw std::runtime_error("step: output length differs from the input's");
    double alpha = 0;
    if (napi_get_value_double(env, a[2], &alpha) != napi_ok) throw std::runtime_error("step: expected a number alpha");
    stepInto(x, y, long(n), float(alpha));
  });
}

}  // namespace tk
