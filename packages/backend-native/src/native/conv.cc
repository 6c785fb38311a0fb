// Conv2D forward, backward-data and backward-weights on oneDNN. tfjs hands NHWC activations and HWIO filters;
// every primitive is created with format_tag::any so oneDNN picks its blocked layouts (plain layouts make it fall
// back to im2col + GEMM, about 3x slower), and Staged reorders at the edges. An activation may also arrive, and an
// output leave, in oneDNN's channel-blocked layout (aBcd16b / aBcd8b, see src/buffer-store.ts): then no reorder runs
// between consecutive native convolutions and pools. Primitives and their scratch buffers are cached per shape and
// layout.
#include <iterator>
#include <utility>

#include "common.h"

namespace tk {
namespace {

using namespace dnnl;

// A convolution as addon.ts's ConvParams names it (documented there), read member by member. Every member is an int
// (booleans as 0/1), and their values in this order key the primitive caches.
struct ConvParams {
  int batch, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth, outHeight, outWidth;
  int strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft;
  int hasBias, relu, xBlock, dyBlock, blockedOut;
};

constexpr std::pair<const char*, int ConvParams::*> kConvFields[] = {
    {"batch", &ConvParams::batch},
    {"inHeight", &ConvParams::inHeight},
    {"inWidth", &ConvParams::inWidth},
    {"inChannels", &ConvParams::inChannels},
    {"outChannels", &ConvParams::outChannels},
    {"filterHeight", &ConvParams::filterHeight},
    {"filterWidth", &ConvParams::filterWidth},
    {"outHeight", &ConvParams::outHeight},
    {"outWidth", &ConvParams::outWidth},
    {"strideHeight", &ConvParams::strideHeight},
    {"strideWidth", &ConvParams::strideWidth},
    {"dilationHeight", &ConvParams::dilationHeight},
    {"dilationWidth", &ConvParams::dilationWidth},
    {"padTop", &ConvParams::padTop},
    {"padLeft", &ConvParams::padLeft},
    {"hasBias", &ConvParams::hasBias},
    {"relu", &ConvParams::relu},
    {"xBlock", &ConvParams::xBlock},
    {"dyBlock", &ConvParams::dyBlock},
    {"blockedOut", &ConvParams::blockedOut},
};

ConvParams convParamsArg(napi_env env, napi_value object) {
  napi_valuetype type;
  napi_typeof(env, object, &type);
  if (type != napi_object) throw std::runtime_error("conv2d: expected the convolution's parameters as an object");
  ConvParams p{};
  for (const auto& [name, member] : kConvFields) p.*member = intProperty(env, object, name);
  return p;
}

std::vector<int> cacheKey(const ConvParams& p) {
  std::vector<int> key;
  key.reserve(std::size(kConvFields));
  for (const auto& field : kConvFields) key.push_back(p.*field.second);
  return key;
}

struct ConvShape {
  memory::dims src, wei, dst, strides, dil, pl, pr;
  bool bias = false, relu = false;
  int xBlock = 0, dyBlock = 0;
  bool blockedOut = false;
  explicit ConvShape(const ConvParams& p)
      : bias(p.hasBias != 0), relu(p.relu != 0), xBlock(p.xBlock), dyBlock(p.dyBlock), blockedOut(p.blockedOut != 0) {
    const long N = p.batch, H = p.inHeight, W = p.inWidth, C = p.inChannels, OC = p.outChannels;
    const long KH = p.filterHeight, KW = p.filterWidth, OH = p.outHeight, OW = p.outWidth;
    const long sH = p.strideHeight, sW = p.strideWidth, dH = p.dilationHeight, dW = p.dilationWidth;
    const long pT = p.padTop, pL = p.padLeft;
    src = {N, C, H, W};
    wei = {OC, C, KH, KW};
    dst = {N, OC, OH, OW};
    strides = {sH, sW};
    dil = {dH - 1, dW - 1};  // oneDNN counts the gaps, tfjs the step
    pl = {pT, pL};
    // The right/bottom padding that makes the output size exact, which is what tfjs's own rounding produced.
    pr = {(OH - 1) * sH + (KH - 1) * dH + 1 - H - pT, (OW - 1) * sW + (KW - 1) * dW + 1 - W - pL};
  }
  memory::desc any(const memory::dims& d) const { return memory::desc(d, dt::f32, tag::any); }
  memory::desc nhwc(const memory::dims& d) const { return memory::desc(d, dt::f32, tag::nhwc); }
  /** An activation as tfjs's buffer holds it: NHWC, or channel-blocked by `block`. */
  memory::desc user(const memory::dims& d, int block) const {
    if (block == 0) return nhwc(d);
    if (block == 8) return memory::desc(d, dt::f32, tag::aBcd8b);
    if (block == 16) return memory::desc(d, dt::f32, tag::aBcd16b);
    throw std::runtime_error("conv2d: channel block " + std::to_string(block) + " is not 0, 8 or 16");
  }
  memory::desc hwio() const { return memory::desc(wei, dt::f32, tag::hwio); }
};

// The forward of a layer's conv: bias added and relu applied inside the primitive (tfjs's FusedConv2D).
convolution_forward::primitive_desc forwardPd(const ConvShape& s, bool fused = false) {
  const auto kind = prop_kind::forward_training;
  const auto alg = algorithm::convolution_direct;
  if (!fused || !s.bias) {
    convolution_forward::desc d(kind, alg, s.any(s.src), s.any(s.wei), s.any(s.dst), s.strides, s.dil, s.pl, s.pr);
    return convolution_forward::primitive_desc(d, eng());
  }
  memory::desc bias({s.wei[0]}, dt::f32, tag::x);
  convolution_forward::desc d(kind, alg, s.any(s.src), s.any(s.wei), bias, s.any(s.dst), s.strides, s.dil, s.pl,
                              s.pr);
  primitive_attr attr;
  if (s.relu) {
    post_ops ops;
    ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(ops);
  }
  return convolution_forward::primitive_desc(d, attr, eng());
}

/**
 * Where an output goes: the primitive's own layout when that is a channel-blocked one tfjs's buffer can hold as is
 * (same size: the channels fill whole blocks) and the caller allows it, plain NHWC otherwise. Returns the block.
 */
int outputBlock(const ConvShape& s, const memory::desc& inner, const memory::dims& d) {
  if (!s.blockedOut) return 0;
  for (int block : {16, 8}) {
    if (d[1] % block == 0 && inner == s.user(d, block)) return block;
  }
  return 0;
}

struct Forward {
  convolution_forward prim;
  Staged x, w, y;
  memory bias;
  bool hasBias = false;
  int yBlock = 0;
  explicit Forward(const ConvShape& s) {
    if (s.relu && !s.bias) throw std::runtime_error("conv2d: relu is fused with a bias only");
    auto pd = forwardPd(s, true);
    hasBias = s.bias;
    if (hasBias) bias = memory(pd.bias_desc(), eng(), DNNL_MEMORY_NONE);
    prim = convolution_forward(pd);
    x = Staged(s.user(s.src, s.xBlock), pd.src_desc(), true);
    w = Staged(s.hwio(), pd.weights_desc(), true);
    yBlock = outputBlock(s, pd.dst_desc(), s.dst);
    y = Staged(s.user(s.dst, yBlock), pd.dst_desc(), false);
  }
};

struct BackwardData {
  convolution_backward_data prim;
  Staged dy, w, dx;
  int dxBlock = 0;
  explicit BackwardData(const ConvShape& s) {
    convolution_backward_data::desc d(algorithm::convolution_direct, s.any(s.src), s.any(s.wei), s.any(s.dst),
                                      s.strides, s.dil, s.pl, s.pr);
    convolution_backward_data::primitive_desc pd(d, eng(), forwardPd(s));
    prim = convolution_backward_data(pd);
    dy = Staged(s.user(s.dst, s.dyBlock), pd.diff_dst_desc(), true);
    w = Staged(s.hwio(), pd.weights_desc(), true);
    dxBlock = outputBlock(s, pd.diff_src_desc(), s.src);
    dx = Staged(s.user(s.src, dxBlock), pd.diff_src_desc(), false);
  }
};

// With hasBias the primitive also sums dy into the bias gradient, in the same
// pass over dy
struct BackwardWeights {
  convolution_backward_weights prim;
  Staged x, dy, dw;
  memory db;
  bool hasBias = false;
  explicit BackwardWeights(const ConvShape& s) {
    hasBias = s.bias;
    memory::desc bias({s.wei[0]}, dt::f32, tag::x);
    auto d = hasBias ? convolution_backward_weights::desc(algorithm::convolution_direct, s.any(s.src), s.any(s.wei),
                                                          bias, s.any(s.dst), s.strides, s.dil, s.pl, s.pr)
                     : convolution_backward_weights::desc(algorithm::convolution_direct, s.any(s.src), s.any(s.wei),
                                                          s.any(s.dst), s.strides, s.dil, s.pl, s.pr);
    convolution_backward_weights::primitive_desc pd(d, eng(), forwardPd(s));
    prim = convolution_backward_weights(pd);
    x = Staged(s.user(s.src, s.xBlock), pd.src_desc(), true);
    dy = Staged(s.user(s.dst, s.dyBlock), pd.diff_dst_desc(), true);
    dw = Staged(s.hwio(), pd.diff_weights_desc(), false);
    if (hasBias) db = memory(pd.diff_bias_desc(), eng(), DNNL_MEMORY_NONE);
  }
};

template <typename T>
T& cached(std::map<std::vector<int>, std::unique_ptr<T>>& cache, napi_env env, napi_value params) {
  const ConvParams p = convParamsArg(env, params);
  const std::vector<int> key = cacheKey(p);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, std::make_unique<T>(ConvShape(p))).first;
  return *it->second;
}

std::map<std::vector<int>, std::unique_ptr<Forward>> forwards;
std::map<std::vector<int>, std::unique_ptr<BackwardData>> backwardData;
std::map<std::vector<int>, std::unique_ptr<BackwardWeights>> backwardWeights;

}  // namespace

static napi_value blockValue(napi_env env, int block) {
  napi_value v;
  napi_create_int32(env, block, &v);
  return v;
}

// conv2d(x, w, y, params[, bias | null[, wVersion]]) → y's channel block (0 = NHWC); a bias (length OC) when
// params.hasBias; wVersion as Staged::loadVersioned takes it
napi_value Conv2dForward(napi_env env, napi_callback_info info) {
  int block = 0;
  guarded(env, info, 4, [&](napi_value* a) {
    auto& p = cached(forwards, env, a[3]);
    p.x.load(floatArg(env, a[0]));
    p.w.loadVersioned(floatArg(env, a[1]), numberArg(env, a[5], 0));
    p.y.bind(floatArg(env, a[2]));
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, p.x.inner}, {DNNL_ARG_WEIGHTS, p.w.inner}, {DNNL_ARG_DST, p.y.inner}};
    if (p.hasBias) {
      size_t n = 0;  // a missing argument is undefined, which floatArg rejects
      p.bias.set_data_handle(floatArg(env, a[4], &n));
      if (long(n) != p.bias.get_desc().dims()[0]) throw std::runtime_error("conv2d: bias length is not OC");
      args.insert({DNNL_ARG_BIAS, p.bias});
    }
    p.prim.execute(strm(), args);
    p.y.store();
    strm().wait();
    block = p.yBlock;
  });
  return blockValue(env, block);
}

// conv2dBackwardData(dy, w, dx, params[, wVersion]) → dx's channel block (0 = NHWC)
napi_value Conv2dBackwardData(napi_env env, napi_callback_info info) {
  int block = 0;
  guarded(env, info, 4, [&](napi_value* a) {
    auto& p = cached(backwardData, env, a[3]);
    p.dy.load(floatArg(env, a[0]));
    p.w.loadVersioned(floatArg(env, a[1]), numberArg(env, a[4], 0));
    p.dx.bind(floatArg(env, a[2]));
    p.prim.execute(strm(),
                   {{DNNL_ARG_DIFF_DST, p.dy.inner}, {DNNL_ARG_WEIGHTS, p.w.inner}, {DNNL_ARG_DIFF_SRC, p.dx.inner}});
    p.dx.store();
    strm().wait();
    block = p.dxBlock;
  });
  return blockValue(env, block);
}

// conv2dBackwardWeights(x, dy, dw, params[, db]) — db (length OC) receives Σ dy over N, H, W when params.hasBias
napi_value Conv2dBackwardWeights(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* a) {
    auto& p = cached(backwardWeights, env, a[3]);
    p.x.load(floatArg(env, a[0]));
    p.dy.load(floatArg(env, a[1]));
    p.dw.bind(floatArg(env, a[2]));
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, p.x.inner}, {DNNL_ARG_DIFF_DST, p.dy.inner}, {DNNL_ARG_DIFF_WEIGHTS, p.dw.inner}};
    if (p.hasBias) {
      size_t n = 0;
      p.db.set_data_handle(floatArg(env, a[4], &n));
      if (long(n) != p.db.get_desc().dims()[0]) throw std::runtime_error("conv2dBackwardWeights: db length is not OC");
      args.insert({DNNL_ARG_DIFF_BIAS, p.db});
    }
    p.prim.execute(strm(), args);
    p.dw.store();
    strm().wait();
  });
}

}  // namespace tk
