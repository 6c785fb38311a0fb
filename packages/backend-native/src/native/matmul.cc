// Batched matrix products on oneDNN's matmul primitive (AVX-512 JIT kernels, OpenMP inside), cached per shape. The
// operands stay where tfjs keeps them: a transposed operand is described by its strides, not copied. (dnnl_sgemm,
// used before, corrupted the heap when a signal landed mid-call: Node's --cpu-prof sampler crashed the process.)
#include "common.h"

namespace tk {
namespace {

using namespace dnnl;

struct Product {
  matmul prim;
  memory a, b, c, bias;
  bool hasBias = false;
};

std::map<std::vector<int>, std::unique_ptr<Product>> products;

// [batch, rows, cols] row-major, or stored transposed ([batch, cols, rows] row-major) when `transposed`
memory::desc operand(long batch, long rows, long cols, bool transposed, long batchStride) {
  return memory::desc({batch, rows, cols}, dt::f32,
                      transposed ? memory::dims{batchStride, 1, rows} : memory::dims{batchStride, cols, 1});
}

Product& product(const std::vector<int>& d) {
  auto it = products.find(d);
  if (it != products.end()) return *it->second;
  const long batchA = d[0], batchB = d[1], M = d[2], N = d[3], K = d[4];
  const bool ta = d[5] != 0, tb = d[6] != 0, hasBias = d[7] != 0;
  const long batch = std::max(batchA, batchB);
  // a batch of 1 broadcasts
  auto aMd = operand(batchA, M, K, ta, M * K);
  auto bMd = operand(batchB, K, N, tb, K * N);
  memory::desc cMd({batch, M, N}, dt::f32, memory::dims{M * N, N, 1});
  // a bias of N broadcasts over the batch and the rows, added as the product is stored
  memory::desc biasMd({1, 1, N}, dt::f32, memory::dims{N, N, 1});
  matmul::desc md = hasBias ? matmul::desc(aMd, bMd, biasMd, cMd) : matmul::desc(aMd, bMd, cMd);
  matmul::primitive_desc pd(md, eng());
  auto p = std::make_unique<Product>();
  p->prim = matmul(pd);
  p->hasBias = hasBias;
  if (hasBias) p->bias = memory(biasMd, eng(), DNNL_MEMORY_NONE);
  p->a = memory(aMd, eng(), DNNL_MEMORY_NONE);
  p->b = memory(bMd, eng(), DNNL_MEMORY_NONE);
  p->c = memory(cMd, eng(), DNNL_MEMORY_NONE);
  return *products.emplace(d, std::move(p)).first->second;
}

}  // namespace

// matmul(a, b, c, dims[, bias]) with dims = batchA, batchB, M, N, K, transposeA, transposeB, hasBias (then `bias`,
// length N, is added to every row). A batch of 1 broadcasts.
napi_value MatMul(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* args) {
    auto d = intsArg(env, args[3]);
    if (d.size() != 8) throw std::runtime_error("matmul: expected 8 dims");
    const long batchA = d[0], batchB = d[1], M = d[2], N = d[3], K = d[4];
    size_t la = 0, lb = 0, lc = 0;
    float* a = floatArg(env, args[0], &la);
    float* b = floatArg(env, args[1], &lb);
    float* c = floatArg(env, args[2], &lc);
    const long batch = std::max(batchA, batchB);
    if (la < size_t(batchA * M * K) || lb < size_t(batchB * K * N) || lc < size_t(batch * M * N))
      throw std::runtime_error("matmul: buffer too small for its dims");
    // around the creation too: a primitive made with two threads runs its region with two, whatever the caller says
    OneThreadIfSmall small(size_t(batch * M * N * K) / 16);
    auto& p = product(d);
    p.a.set_data_handle(a);
    p.b.set_data_handle(b);
    p.c.set_data_handle(c);
    std::unordered_map<int, memory> run{{DNNL_ARG_SRC, p.a}, {DNNL_ARG_WEIGHTS, p.b}, {DNNL_ARG_DST, p.c}};
    if (p.hasBias) {
      size_t n = 0;  // a missing argument is undefined, which floatArg rejects
      p.bias.set_data_handle(floatArg(env, args[4], &n));
      if (long(n) != N) throw std::runtime_error("matmul: bias length is not N");
      run.insert({DNNL_ARG_BIAS, p.bias});
    }
    p.prim.execute(strm(), run);
    strm().wait();
  });
}

}  // namespace tk
