// Softmax over the last axis, a row at a time: max, exp(x − max), sum, divide. Not oneDNN's softmax primitive: its
// exp is a polynomial approximation (the reason Exp stays on tfjs's cpu kernel, see kernels/eltwise.ts); expf here
// rounds within an ulp, as tfjs's Math.exp does.
#include <cmath>
#include <limits>

#include "common.h"

namespace tk {
namespace {

void softmaxRows(const float* x, float* y, long rows, long cols) {
#pragma omp parallel for if (rows * cols >= long(OneThreadIfSmall::kSmall))
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = -std::numeric_limits<float>::infinity();
    for (long c = 0; c < cols; c++) m = xr[c] > m || std::isnan(xr[c]) ? xr[c] : m;
    double sum = 0;
    for (long c = 0; c < cols; c++) sum += yr[c] = std::exp(xr[c] - m);
    const float total = float(sum);
    for (long c = 0; c < cols; c++) yr[c] = yr[c] / total;
  }
}

}  // namespace

// softmax(x, y, rows, cols)
napi_value Softmax(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* a) {
    size_t n = 0, m = 0;
    const float* x = floatArg(env, a[0], &n);
    float* y = floatArg(env, a[1], &m);
    const long rows = long(numberArg(env, a[2], -1)), cols = long(numberArg(env, a[3], -1));
    if (rows < 0 || cols <= 0 || size_t(rows * cols) != n || m != n) {
      throw std::runtime_error("softmax: rows × cols must be the length of x and y");
    }
    softmaxRows(x, y, rows, cols);
  });
}

}  // namespace tk
