// Batch normalisation in training mode (core's TrainkitBatchNorm* kernels): per-channel statistics in double, the
// normalisation and both gradients, on channels-last buffers — NHWC / [M, C], or channel-blocked ([N][C/b][H·W][b],
// buffer-store.ts) — described alike as [outer][blocks][inner][lanes] with channel = block·lanes + lane.
#include <cmath>

#include "common.h"

namespace tk {
namespace {

struct View {
  long outer, blocks, inner, lanes;
  long channels() const { return blocks * lanes; }
  long size() const { return outer * blocks * inner * lanes; }
};

View viewArg(const std::vector<int>& d) {
  if (d.size() != 4) throw std::runtime_error("batchNorm: expected dims outer, blocks, inner, lanes");
  return View{d[0], d[1], d[2], d[3]};
}

/** Σ over all but the channel of f(element index, channel), per channel, in double; parallel over `outer`. */
template <typename F>
std::vector<double> perChannel(const View& v, F f) {
  const long C = v.channels();
  const bool parallel = v.size() >= long(OneThreadIfSmall::kSmall) && v.outer > 1;
  const int threads = parallel ? omp_get_max_threads() : 1;
  std::vector<std::vector<double>> partial(threads, std::vector<double>(C, 0.0));
#pragma omp parallel num_threads(threads) if (parallel)
  {
    auto& acc = partial[omp_get_thread_num()];
#pragma omp for
    for (long o = 0; o < v.outer; o++)
      for (long b = 0; b < v.blocks; b++)
        for (long i = 0; i < v.inner; i++) {
          const long at = ((o * v.blocks + b) * v.inner + i) * v.lanes;
          double* a = acc.data() + b * v.lanes;
          for (long l = 0; l < v.lanes; l++) a[l] += f(at + l, b * v.lanes + l);
        }
  }
  for (int t = 1; t < threads; t++)
    for (long c = 0; c < C; c++) partial[0][c] += partial[t][c];
  return partial[0];
}

/** Runs f(element index, channel) over every element; parallel over `outer`. */
template <typename F>
void eachElement(const View& v, F f) {
#pragma omp parallel for if (v.size() >= long(OneThreadIfSmall::kSmall) && v.outer > 1)
  for (long o = 0; o < v.outer; o++)
    for (long b = 0; b < v.blocks; b++)
      for (long i = 0; i < v.inner; i++) {
        const long at = ((o * v.blocks + b) * v.inner + i) * v.lanes;
        for (long l = 0; l < v.lanes; l++) f(at + l, b * v.lanes + l);
      }
}

std::vector<double> invStd(const float* var, long C, double eps) {
  std::vector<double> r(C);
  for (long c = 0; c < C; c++) r[c] = 1.0 / std::sqrt(double(var[c]) + eps);
  return r;
}

}  // namespace

// batchNormTrain(x, y, mean, var, weight | null, bias | null, dims, eps)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  return guarded(env, info, 8, [&](napi_value* a) {
    const View v = viewArg(intsArg(env, a[6]));
    const long C = v.channels();
    const double n = double(v.size() / C);
    size_t lx = 0;
    const float* x = floatArg(env, a[0], &lx);
    float* y = floatArg(env, a[1]);
    float* mean = floatArg(env, a[2]);
    float* var = floatArg(env, a[3]);
    const float* w = optionalFloatArg(env, a[4]);
    const float* bias = optionalFloatArg(env, a[5]);
    const double eps = numberArg(env, a[7], 1e-5);
    if (long(lx) != v.size()) throw std::runtime_error("batchNormTrain: x's length does not match its dims");
    auto sums = perChannel(v, [&](long at, long) { return double(x[at]); });
    std::vector<double> m(C);
    for (long c = 0; c < C; c++) m[c] = sums[c] / n, mean[c] = float(m[c]);
    auto squares = perChannel(v, [&](long at, long c) {
      const double d = x[at] - m[c];
      return d * d;
    });
    for (long c = 0; c < C; c++) var[c] = float(squares[c] / n);
    const auto inv = invStd(var, C, eps);
    std::vector<float> meanF(mean, mean + C), invF(C);
    for (long c = 0; c < C; c++) invF[c] = float(inv[c]);
    eachElement(v, [&](long at, long c) {
      float r = (x[at] - meanF[c]) * invF[c];
      if (w) r = r * w[c];
      if (bias) r = r + bias[c];
      y[at] = r;
    });
  });
}

// batchNormGradInput(dy, x, mean, var, weight | null, dx, dims, eps)
napi_value BatchNormGradInput(napi_env env, napi_callback_info info) {
  return guarded(env, info, 8, [&](napi_value* a) {
    const View v = viewArg(intsArg(env, a[6]));
    const long C = v.channels();
    const double n = double(v.size() / C);
    const float* dy = floatArg(env, a[0]);
    const float* x = floatArg(env, a[1]);
    const float* mean = floatArg(env, a[2]);
    const float* var = floatArg(env, a[3]);
    const float* w = optionalFloatArg(env, a[4]);
    float* dx = floatArg(env, a[5]);
    const auto inv = invStd(var, C, numberArg(env, a[7], 1e-5));
    auto sumDy = perChannel(v, [&](long at, long) { return double(dy[at]); });
    auto sumDyXhat = perChannel(v, [&](long at, long c) { return double(dy[at]) * (x[at] - double(mean[c])) * inv[c]; });
    std::vector<double> scale(C), meanDy(C), meanDyXhat(C);
    for (long c = 0; c < C; c++) {
      scale[c] = inv[c] * (w ? double(w[c]) : 1.0);
      meanDy[c] = sumDy[c] / n;
      meanDyXhat[c] = sumDyXhat[c] / n;
    }
    eachElement(v, [&](long at, long c) {
      const double xhat = (x[at] - double(mean[c])) * inv[c];
      dx[at] = float(scale[c] * (dy[at] - meanDy[c] - xhat * meanDyXhat[c]));
    });
  });
}

// batchNormGradWeight(dy, x, mean, var, dweight, dims, eps)
napi_value BatchNormGradWeight(napi_env env, napi_callback_info info) {
  return guarded(env, info, 7, [&](napi_value* a) {
    const View v = viewArg(intsArg(env, a[5]));
    const long C = v.channels();
    const float* dy = floatArg(env, a[0]);
    const float* x = floatArg(env, a[1]);
    const float* mean = floatArg(env, a[2]);
    const float* var = floatArg(env, a[3]);
    float* dw = floatArg(env, a[4]);
    const auto inv = invStd(var, C, numberArg(env, a[6], 1e-5));
    auto sums = perChannel(v, [&](long at, long c) { return double(dy[at]) * (x[at] - double(mean[c])) * inv[c]; });
    for (long c = 0; c < C; c++) dw[c] = float(sums[c]);
  });
}

}  // namespace tk
