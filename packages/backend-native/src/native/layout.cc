// Transpose and sum-reductions as plain C++ loops, broadcasting add/sub/mul on oneDNN's binary primitive. trainkit keeps PyTorch's NCHW at its API and
// tfjs convolves NHWC, so every conv is wrapped in transposes, and every bias add / bias gradient is a broadcast
// add / a sum over N,H,W: tfjs's cpu kernels for those index each element through generic strides and took ~75 %
// of a native CIFAR step. Here they are cache-tiled / vectorisable loops (oneDNN's reorder and reduction
// took its slow reference paths on these strided shapes).
#include <algorithm>
#include <functional>

#include "common.h"

namespace tk {
namespace {

using namespace dnnl;

memory::dims rowMajorStrides(const memory::dims& d) {
  memory::dims s(d.size(), 1);
  for (long i = long(d.size()) - 2; i >= 0; i--) s[i] = s[i + 1] * d[i + 1];
  return s;
}

memory::desc plain(const memory::dims& d) { return memory::desc(d, dt::f32, rowMajorStrides(d)); }

memory::dims take(const std::vector<int>& v, size_t from, size_t n) {
  if (from + n > v.size()) throw std::runtime_error("layout: dims too short");
  return memory::dims(v.begin() + from, v.begin() + from + n);
}

/** oneDNN's binary primitive with its memories (no buffers: the handles are set per call). */
struct Binary {
  primitive prim;
  memory a, b, dst;
};

std::map<std::vector<int>, std::unique_ptr<Binary>> binaries;

/** Merges neighbouring axes that stay neighbours (transpose) or share a flag (sum), so loops run on few dims. */
struct Merged {
  std::vector<long> dims;
  std::vector<int> tags;  // perm or reduced flag per merged axis
};

// Transpose as a batch of 2-d transposes when the merged permutation is [.., a, b] -> [.., b, a] (NCHW <-> NHWC
// are exactly that), tiled so both sides stay in cache; otherwise a gather in output order.
void transposeInto(const float* x, float* y, const std::vector<long>& in, const std::vector<int>& perm) {
  const size_t r = in.size();
  // [N, I, J, E] → [N, J, I, E]: moving whole runs of E floats (channel blocks between NHWC and aBcd16b)
  if (r == 4 && perm == std::vector<int>{0, 2, 1, 3} && in[3] >= 4) {
    const long N = in[0], I = in[1], J = in[2], E = in[3];
#pragma omp parallel for collapse(2) if (N * I * J * E >= long(OneThreadIfSmall::kSmall))
    for (long n = 0; n < N; n++)
      for (long j = 0; j < J; j++)
        for (long i = 0; i < I; i++)
          std::copy_n(x + ((n * I + i) * J + j) * E, E, y + ((n * J + j) * I + i) * E);
    return;
  }
  // merge input axes i, i+1 when perm keeps them adjacent and in order
  std::vector<std::vector<int>> groups;  // groups of input axes, in input order
  std::vector<int> groupOf(r);
  for (size_t k = 0; k < r; k++) {
    const int axis = perm[k];
    if (k > 0 && perm[k - 1] + 1 == axis) groups[groupOf[perm[k - 1]]].push_back(axis), groupOf[axis] = groupOf[perm[k - 1]];
    else groupOf[axis] = int(groups.size()), groups.push_back({axis});
  }
  // groups are in output order; give each its size and its rank in input order
  const size_t g = groups.size();
  std::vector<long> size(g, 1);
  std::vector<int> inOrder(g);
  for (size_t i = 0; i < g; i++) {
    for (int a : groups[i]) size[i] *= in[a];
    inOrder[i] = 0;
    for (size_t j = 0; j < g; j++) inOrder[i] += groups[j][0] < groups[i][0];
  }
  // input strides of each group (input layout orders the groups by inOrder)
  std::vector<long> inDims(g), inStride(g);
  for (size_t i = 0; i < g; i++) inDims[inOrder[i]] = size[i];
  std::vector<long> strideByInput(g, 1);
  for (long i = long(g) - 2; i >= 0; i--) strideByInput[i] = strideByInput[i + 1] * inDims[i + 1];
  for (size_t i = 0; i < g; i++) inStride[i] = strideByInput[inOrder[i]];
  const bool batched2d = g >= 2 && inStride[g - 1] == size[g - 2] && inStride[g - 2] == 1 &&
                         [&] { for (size_t i = 0; i + 2 < g; i++) if (inOrder[i] != int(i)) return false; return true; }();
  if (batched2d) {
    // y[b][p][q] = x[b][q][p], with x's inner matrix [Q=size[g-1], P=size[g-2]]
    const long P = size[g - 2], Q = size[g - 1], batch = [&] { long b = 1; for (size_t i = 0; i + 2 < g; i++) b *= size[i]; return b; }();
    const long T = 32;
#pragma omp parallel for if (P * Q * batch >= long(OneThreadIfSmall::kSmall))
    for (long b = 0; b < batch; b++) {
      const float* xb = x + b * P * Q;
      float* yb = y + b * P * Q;
      for (long p0 = 0; p0 < P; p0 += T)
        for (long q0 = 0; q0 < Q; q0 += T)
          for (long p = p0; p < std::min(P, p0 + T); p++)
            for (long q = q0; q < std::min(Q, q0 + T); q++) yb[p * Q + q] = xb[q * P + p];
    }
    return;
  }
  // general: walk the output in order with an odometer over the groups
  std::vector<long> idx(g, 0);
  long total = 1;
  for (long s : size) total *= s;
  long src = 0;
  for (long o = 0; o < total; o++) {
    y[o] = x[src];
    for (long i = long(g) - 1; i >= 0; i--) {
      src += inStride[i];
      if (++idx[i] < size[i]) break;
      src -= inStride[i] * size[i];
      idx[i] = 0;
    }
  }
}

// Sums x over the flagged axes into y (plain layout with those axes dropped), accumulating in float as tfjs does.
void sumInto(const float* x, float* y, const std::vector<long>& in, const std::vector<int>& reduced) {
  Merged m;
  for (size_t i = 0; i < in.size(); i++) {
    if (in[i] == 1) continue;  // size-1 axes change nothing
    if (!m.dims.empty() && m.tags.back() == reduced[i]) m.dims.back() *= in[i];
    else m.dims.push_back(in[i]), m.tags.push_back(reduced[i]);
  }
  long outSize = 1;
  for (size_t i = 0; i < m.dims.size(); i++) if (!m.tags[i]) outSize *= m.dims[i];
  std::fill(y, y + outSize, 0.f);
  if (m.dims.empty()) { y[0] = x[0]; return; }
  // axes now alternate kept/reduced; recurse from the outermost, with the innermost as a vector loop
  const size_t r = m.dims.size();
  std::vector<long> inner(r, 1), outInner(r, 1);
  for (long i = long(r) - 2; i >= 0; i--) {
    inner[i] = inner[i + 1] * m.dims[i + 1];
    outInner[i] = outInner[i + 1] * (m.tags[i + 1] ? 1 : m.dims[i + 1]);
  }
  std::function<void(size_t, const float*, float*)> walk = [&](size_t d, const float* xs, float* ys) {
    const long n = m.dims[d];
    if (d == r - 1) {
      if (m.tags[d]) { float s = 0.f; for (long i = 0; i < n; i++) s += xs[i]; ys[0] += s; }
      else for (long i = 0; i < n; i++) ys[i] += xs[i];
      return;
    }
    for (long i = 0; i < n; i++) walk(d + 1, xs + i * inner[d], ys + (m.tags[d] ? 0 : i * outInner[d]));
  };
  walk(0, x, y);
}

// key: kind (0 add, 1 sub, 2 mul, 3 div), rank, aShape[rank], bShape[rank]; b broadcasts into a (dims equal or 1).
Binary& binary(const std::vector<int>& key) {
  auto it = binaries.find(key);
  if (it != binaries.end()) return *it->second;
  const int kind = key.at(0);
  const size_t r = size_t(key.at(1));
  memory::dims a = take(key, 2, r), b = take(key, 2 + r, r);
  const algorithm alg = kind == 0   ? algorithm::binary_add
                        : kind == 1 ? algorithm::binary_sub
                        : kind == 2 ? algorithm::binary_mul
                                    : algorithm::binary_div;
  binary::desc d(alg, plain(a), plain(b), plain(a));
  binary::primitive_desc pd(d, eng());
  auto p = std::make_unique<Binary>();
  p->prim = dnnl::binary(pd);
  p->a = memory(plain(a), eng(), DNNL_MEMORY_NONE);
  p->b = memory(plain(b), eng(), DNNL_MEMORY_NONE);
  p->dst = memory(plain(a), eng(), DNNL_MEMORY_NONE);
  return *binaries.emplace(key, std::move(p)).first->second;
}

}  // namespace

// transpose(x, y, key) with key rank, shape[rank], perm[rank]
napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    auto key = intsArg(env, a[2]);
    const size_t r = size_t(key.at(0));
    if (key.size() != 1 + 2 * r) throw std::runtime_error("transpose: bad key");
    std::vector<long> shape(key.begin() + 1, key.begin() + 1 + r);
    std::vector<int> perm(key.begin() + 1 + r, key.end());
    transposeInto(floatArg(env, a[0]), floatArg(env, a[1]), shape, perm);
  });
}

// sum(x, y, key) with key rank, shape[rank], reduced[rank]
napi_value Sum(napi_env env, napi_callback_info info) {
  return guarded(env, info, 3, [&](napi_value* a) {
    auto key = intsArg(env, a[2]);
    const size_t r = size_t(key.at(0));
    if (key.size() != 1 + 2 * r) throw std::runtime_error("sum: bad key");
    std::vector<long> shape(key.begin() + 1, key.begin() + 1 + r);
    std::vector<int> reduced(key.begin() + 1 + r, key.end());
    sumInto(floatArg(env, a[0]), floatArg(env, a[1]), shape, reduced);
  });
}

// binary(a, b, y, key)
napi_value Binary(napi_env env, napi_callback_info info) {
  return guarded(env, info, 4, [&](napi_value* a) {
    auto key = intsArg(env, a[3]);
    // the output has the first operand's shape: key = kind, rank, aShape…
    size_t elements = 1;
    for (int i = 0; i < key.at(1); i++) elements *= size_t(key.at(2 + i));
    // around the creation too: a primitive made with two threads runs its region with two, whatever the caller says
    OneThreadIfSmall small(elements);
    auto& p = binary(key);
    p.a.set_data_handle(floatArg(env, a[0]));
    p.b.set_data_handle(floatArg(env, a[1]));
    p.dst.set_data_handle(floatArg(env, a[2]));
    p.prim.execute(strm(), {{DNNL_ARG_SRC_0, p.a}, {DNNL_ARG_SRC_1, p.b}, {DNNL_ARG_DST, p.dst}});
    strm().wait();
  });
}

}  // namespace tk
