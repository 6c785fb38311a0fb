// Max and average 2-d pooling and their backprops on oneDNN, on NHWC buffers as tfjs stores them (pooling is
// memory-bound, so plain NHWC is already its fast layout). tfjs's MaxPoolGrad does not hand over the argmax: the
// max-pool gradient rescans each window (maxPoolGrad below); the avg-pool gradient is oneDNN's.
#include <algorithm>
#include <limits>

#include "common.h"

namespace tk {
namespace {

using namespace dnnl;

// dims: N,H,W,C, OH,OW, KH,KW, sH,sW, padTop,padLeft, kind (0 = max, 1 = avg over valid pixels, as tfjs's forward; 2 = avg over
// the whole window, as tfjs's cpu AvgPoolGrad)
struct PoolShape {
  memory::dims src, dst, kernel, strides, pl, pr;
  algorithm alg;
  explicit PoolShape(const std::vector<int>& d) {
    if (d.size() != 13) throw std::runtime_error("pool2d: expected 13 dims");
    const long N = d[0], H = d[1], W = d[2], C = d[3], OH = d[4], OW = d[5], KH = d[6], KW = d[7];
    const long sH = d[8], sW = d[9], pT = d[10], pL = d[11];
    src = {N, C, H, W};
    dst = {N, C, OH, OW};
    kernel = {KH, KW};
    strides = {sH, sW};
    pl = {pT, pL};
    pr = {(OH - 1) * sH + KH - H - pT, (OW - 1) * sW + KW - W - pL};
    alg = d[12] == 0   ? algorithm::pooling_max
          : d[12] == 1 ? algorithm::pooling_avg_exclude_padding
                       : algorithm::pooling_avg_include_padding;
  }
  memory::desc nhwc(const memory::dims& d) const { return memory::desc(d, dt::f32, tag::nhwc); }
  pooling_forward::primitive_desc blockedForwardPd(int block) const {
    const auto t = block == 8 ? tag::aBcd8b : block == 16 ? tag::aBcd16b : tag::undef;
    if (t == tag::undef) throw std::runtime_error("pool2d: channel block " + std::to_string(block) + " is not 8 or 16");
    pooling_forward::desc d(prop_kind::forward_inference, alg, memory::desc(src, dt::f32, t),
                            memory::desc(dst, dt::f32, t), strides, kernel, pl, pr);
    return pooling_forward::primitive_desc(d, eng());
  }
  pooling_forward::primitive_desc forwardPd(prop_kind kind) const {
    pooling_forward::desc d(kind, alg, nhwc(src), nhwc(dst), strides, kernel, pl, pr);
    return pooling_forward::primitive_desc(d, eng());
  }
};

// A forward's key is the dims followed by x's channel block (0 = NHWC, 8, 16): a blocked x gives a y blocked alike.
struct Forward {
  pooling_forward prim;
  memory x, y;
  explicit Forward(const std::vector<int>& key) {
    if (key.size() != 14) throw std::runtime_error("pool2d: expected 13 dims and a block");
    PoolShape s(std::vector<int>(key.begin(), key.begin() + 13));
    const int block = key[13];
    auto pd = block == 0 ? s.forwardPd(prop_kind::forward_inference) : s.blockedForwardPd(block);
    prim = pooling_forward(pd);
    x = memory(pd.src_desc(), eng(), DNNL_MEMORY_NONE);
    y = memory(pd.dst_desc(), eng(), DNNL_MEMORY_NONE);
  }
};

struct Backward {
  pooling_forward forward;
  pooling_backward prim;
  bool hasWorkspace = false;
  memory x, y, workspace, dy, dx;
  explicit Backward(const std::vector<int>& key) {
    PoolShape s(key);
    auto fpd = s.forwardPd(prop_kind::forward_training);
    pooling_backward::desc d(s.alg, s.nhwc(s.src), s.nhwc(s.dst), s.strides, s.kernel, s.pl, s.pr);
    pooling_backward::primitive_desc pd(d, eng(), fpd);
    prim = pooling_backward(pd);
    hasWorkspace = s.alg == algorithm::pooling_max;
    if (hasWorkspace) {
      forward = pooling_forward(fpd);
      x = memory(fpd.src_desc(), eng(), DNNL_MEMORY_NONE);
      y = memory(fpd.dst_desc(), eng());  // recomputed forward output, discarded
      workspace = memory(fpd.workspace_desc(), eng());
    }
    dy = memory(pd.diff_dst_desc(), eng(), DNNL_MEMORY_NONE);
    dx = memory(pd.diff_src_desc(), eng(), DNNL_MEMORY_NONE);
  }
};

std::map<std::vector<int>, std::unique_ptr<Forward>> forwards;
std::map<std::vector<int>, std::unique_ptr<Backward>> backwards;

template <typename T>
T& cached(std::map<std::vector<int>, std::unique_ptr<T>>& cache, const std::vector<int>& key) {
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, std::make_unique<T>(key)).first;
  return *it->second;
}

// Max-pool gradient by direct scan, over the contiguous channels of NHWC and parallel over images: each window's
// first maximum (strictly greater than −∞ and than earlier pixels, as tfjs's cpu kernel picks it: a window of NaN
// or −∞ passes no gradient) receives dy. oneDNN needs a forward pass into
// its workspace first, which made that the costliest pooling op of a step.
void maxPoolGrad(const float* x, const float* dy, float* dx, const std::vector<int>& d) {
  const long N = d[0], H = d[1], W = d[2], C = d[3], OH = d[4], OW = d[5], KH = d[6], KW = d[7];
  const long sH = d[8], sW = d[9], pT = d[10], pL = d[11];
#pragma omp parallel for
  for (long n = 0; n < N; n++) {
    std::vector<float> best(C);
    std::vector<long> where(C);
    float* dxn = dx + n * H * W * C;
    std::fill(dxn, dxn + H * W * C, 0.f);
    const float* xn = x + n * H * W * C;
    for (long oh = 0; oh < OH; oh++)
      for (long ow = 0; ow < OW; ow++) {
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(where.begin(), where.end(), -1L);
        for (long kh = 0; kh < KH; kh++) {
          const long h = oh * sH - pT + kh;
          if (h < 0 || h >= H) continue;
          for (long kw = 0; kw < KW; kw++) {
            const long w = ow * sW - pL + kw;
            if (w < 0 || w >= W) continue;
            const long at = (h * W + w) * C;
            for (long c = 0; c < C; c++) {
              const float v = xn[at + c];
              if (v > best[c]) best[c] = v, where[c] = at + c;
            }
          }
        }
        const float* g = dy + ((n * OH + oh) * OW + ow) * C;
        for (long c = 0; c < C; c++)
          if (where[c] >= 0) dxn[where[c]] += g[c];
      }
  }
}

struct PoolGradDims {
  long H, W, C, OH, OW, KH, KW;
};

// Images [begin, end) of the tiled max-pool gradient, 8 channels at a time in one AVX2 register (GCC vector types;
// a channel-blocked buffer has 8 or 16 channels per pixel): per window, the first strictly greater pixel wins each
// lane and the gradient goes to it, zeros to the others. Plain loops left the compiler guessing at 16-lane arrays
// and ran 5× slower (5 ms against 1 ms for the CIFAR net's first pool on one core).
#if defined(__x86_64__) && defined(__GNUC__)
#define TK_AVX2 __attribute__((target("avx2")))
#define TK_HAS_AVX2 __builtin_cpu_supports("avx2")
#else
#define TK_AVX2
#define TK_HAS_AVX2 false
#endif
TK_AVX2 void maxPoolGradTiledImages(long begin, long end, const float* __restrict x, const float* __restrict dy,
                                    float* __restrict dx, PoolGradDims s) {
  typedef float v8f __attribute__((vector_size(32)));
  typedef int v8i __attribute__((vector_size(32)));
  const long H = s.H, W = s.W, C = s.C, OH = s.OH, OW = s.OW, KH = s.KH, KW = s.KW;
  const int K = int(KH * KW);
  const bool covered = OH * KH == H && OW * KW == W;
  long offsets[64];
  const v8f zero = {};
  for (long n = begin; n < end; n++) {
    float* dxn = dx + n * H * W * C;
    if (!covered) std::fill(dxn, dxn + H * W * C, 0.f);
    const float* xn = x + n * H * W * C;
    for (long oh = 0; oh < OH; oh++)
      for (long ow = 0; ow < OW; ow++) {
        for (long kh = 0; kh < KH; kh++)
          for (long kw = 0; kw < KW; kw++) offsets[kh * KW + kw] = ((oh * KH + kh) * W + ow * KW + kw) * C;
        const float* g = dy + ((n * OH + oh) * OW + ow) * C;
        long c0 = 0;
        for (; c0 + 8 <= C; c0 += 8) {
          v8f best = zero - std::numeric_limits<float>::infinity();
          v8i arg = v8i{} - 1;
          for (int k = 0; k < K; k++) {
            v8f xk;
            __builtin_memcpy(&xk, xn + offsets[k] + c0, sizeof xk);
            const v8i greater = xk > best;
            best = greater ? xk : best;
            arg = greater ? k : arg;
          }
          v8f gv;
          __builtin_memcpy(&gv, g + c0, sizeof gv);
          for (int k = 0; k < K; k++) {
            const v8f out = arg == k ? gv : zero;
            __builtin_memcpy(dxn + offsets[k] + c0, &out, sizeof out);
          }
        }
        for (; c0 < C; c0++) {
          float best = -std::numeric_limits<float>::infinity();
          int arg = -1;
          for (int k = 0; k < K; k++) {
            const float v = xn[offsets[k] + c0];
            if (v > best) best = v, arg = k;
          }
          for (int k = 0; k < K; k++) dxn[offsets[k] + c0] = arg == k ? g[c0] : 0.f;
        }
      }
  }
}

// The same for windows that tile the input (stride = kernel, no padding: the tutorials' 2×2 pools) on AVX2 CPUs.
// Every pixel lies in at most one window, so dx is written once, branch-free. Windows of at most 64 pixels.
void maxPoolGradTiled(const float* x, const float* dy, float* dx, const std::vector<int>& d) {
  const long N = d[0];
  const PoolGradDims s{d[1], d[2], d[3], d[4], d[5], d[6], d[7]};
  if (s.KH * s.KW > 64 || !TK_HAS_AVX2) return maxPoolGrad(x, dy, dx, d);
  inRanges(N, 2, [&](long begin, long end) { maxPoolGradTiledImages(begin, end, x, dy, dx, s); });
}

}  // namespace

// pool2d(x, y, dims + [x's block])
napi_value Pool2dForward(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    auto& p = cached(forwards, intsArg(env, a[2]));
    p.x.set_data_handle(floatArg(env, a[0]));
    p.y.set_data_handle(floatArg(env, a[1]));
    p.prim.execute(strm(), {{DNNL_ARG_SRC, p.x}, {DNNL_ARG_DST, p.y}});
    strm().wait();
  });
}

// pool2dBackward(x, dy, dx, dims); x is only read for max pooling.
napi_value Pool2dBackward(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* a) {
    auto key = intsArg(env, a[3]);
    if (key.size() == 13 && key[12] == 0) {
      // stride = kernel, no padding, and every window inside the input ('same' may pad the bottom/right instead)
      const bool tiles = key[8] == key[6] && key[9] == key[7] && key[10] == 0 && key[11] == 0 &&
                         key[4] * key[6] <= key[1] && key[5] * key[7] <= key[2];
      (tiles ? maxPoolGradTiled : maxPoolGrad)(floatArg(env, a[0]), floatArg(env, a[1]), floatArg(env, a[2]), key);
      return;
    }
    auto& p = cached(backwards, key);
    if (p.hasWorkspace) {
      p.x.set_data_handle(floatArg(env, a[0]));
      p.forward.execute(strm(), {{DNNL_ARG_SRC, p.x}, {DNNL_ARG_DST, p.y}, {DNNL_ARG_WORKSPACE, p.workspace}});
    }
    p.dy.set_data_handle(floatArg(env, a[1]));
    p.dx.set_data_handle(floatArg(env, a[2]));
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, p.dy}, {DNNL_ARG_DIFF_SRC, p.dx}};
    if (p.hasWorkspace) args.insert({DNNL_ARG_WORKSPACE, p.workspace});
    p.prim.execute(strm(), args);
    strm().wait();
  });
}

}  // namespace tk
