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
