// Batched matrix products through oneDNN's sgemm (row-major, AVX-512 JIT kernels, OpenMP inside).
#include "common.h"

namespace tk {

// matmul(a, b, c, dims) with dims = batchA, batchB, M, N, K, transposeA, transposeB. A batch of 1 broadcasts.
napi_value MatMul(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* args) {
    auto d = intsArg(env, args[3]);
    if (d.size() != 7) throw std::runtime_error("matmul: expected 7 dims");
    const long batchA = d[0], batchB = d[1], M = d[2], N = d[3], K = d[4];
    const bool ta = d[5] != 0, tb = d[6] != 0;
    size_t la = 0, lb = 0, lc = 0;
    const float* a = floatArg(env, args[0], &la);
    const float* b = floatArg(env, args[1], &lb);
    float* c = floatArg(env, args[2], &lc);
    const long batch = batchA > batchB ? batchA : batchB;
    if (la < size_t(batchA * M * K) || lb < size_t(batchB * K * N) || lc < size_t(batch * M * N))
      throw std::runtime_error("matmul: buffer too small for its dims");
    const long lda = ta ? M : K, ldb = tb ? K : N;
    for (long i = 0; i < batch; i++) {
      const float* ai = a + (batchA == 1 ? 0 : i * M * K);
      const float* bi = b + (batchB == 1 ? 0 : i * K * N);
      dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, 1.0f, ai, lda, bi, ldb, 0.0f,
                                    c + i * M * N, N);
      if (st != dnnl_success) throw std::runtime_error("matmul: dnnl_sgemm failed with status " + std::to_string(st));
    }
  });
}

}  // namespace tk
