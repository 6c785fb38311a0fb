// Shared helpers for the addon: the one oneDNN engine and stream, N-API argument unpacking, and Staged, which
// moves a plain (tfjs NHWC / HWIO) buffer into the layout a primitive chose and back.
#pragma once
#include <node_api.h>

#include <omp.h>

#include <dnnl.hpp>
#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tk {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dims = dnnl::memory::dims;

dnnl::engine& eng();
dnnl::stream& strm();

/** The data pointer of a Float32Array argument (already offset by its byteOffset). */
float* floatArg(napi_env env, napi_value v, size_t* length = nullptr);
/** floatArg, or nullptr for a null or undefined argument. */
float* optionalFloatArg(napi_env env, napi_value v);
/** A number argument; `fallback` when it is undefined. */
double numberArg(napi_env env, napi_value v, double fallback);
/** An Int32Array argument copied into a vector; it doubles as the primitive-cache key. */
std::vector<int> intsArg(napi_env env, napi_value v);
/** The member `name` of an object argument as an int: a number, or a boolean as 0/1. */
int intProperty(napi_env env, napi_value object, const char* name);

// Built for the baseline x86-64 ISA and dispatched at load time to an AVX2 or AVX-512 copy where the CPU has one.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TK_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TK_VECTOR_CLONES
#endif

/**
 * Splits [0, n) into one contiguous range per OpenMP thread (the whole of it on this thread below `parallelFrom`).
 * The loop over a range stays a plain function, which GCC vectorises; as the body of an OpenMP region it reloads
 * the shared values after every store and mostly does not.
 */
template <typename Range>
void inRanges(long n, long parallelFrom, Range range) {
  if (n < parallelFrom) return range(0, n);
#pragma omp parallel
  {
    const long threads = omp_get_num_threads(), t = omp_get_thread_num();
    const long chunk = (n + threads - 1) / threads;
    range(std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  }
}

/**
 * Holds OpenMP to one thread while small work runs (oneDNN then skips its parallel region): waking the pool's
 * sleeping threads costs 20-80 µs, more than a few hundred thousand floats of elementwise work take on one core.
 */
class OneThreadIfSmall {
 public:
  static constexpr size_t kSmall = size_t(1) << 17;
  explicit OneThreadIfSmall(size_t elements) : saved_(omp_get_max_threads()), on_(elements < kSmall) {
    if (on_) omp_set_num_threads(1);
  }
  ~OneThreadIfSmall() {
    if (on_) omp_set_num_threads(saved_);
  }

 private:
  int saved_;
  bool on_;
};

/** Wraps a C++ body into an N-API callback that turns C++ exceptions (dnnl::error included) into JS errors. */
template <typename Fn>
napi_value guarded(napi_env env, napi_callback_info info, size_t argc, Fn fn) {
  napi_value argv[12];
  size_t got = 12;
  napi_get_cb_info(env, info, &got, argv, nullptr, nullptr);
  try {
    if (argc > 12) throw std::logic_error("guarded: at most 12 arguments");
    if (got < argc) throw std::runtime_error("expected " + std::to_string(argc) + " arguments");
    fn(argv);
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

/**
 * A tensor as tfjs stores it (`user`, plain layout, wrapping the typed array in place) and as the primitive wants
 * it (`inner`). When they differ, `inner` is a buffer this cache entry owns and a reorder converts between them;
 * when they agree, both are the same memory and nothing is copied.
 */
struct Staged {
  dnnl::memory user, inner;
  dnnl::reorder convert;
  bool reordered = false;
  double loadedVersion = 0;
  const float* loadedFrom = nullptr;

  Staged() = default;
  Staged(const dnnl::memory::desc& userMd, const dnnl::memory::desc& innerMd, bool isInput)
      : user(userMd, eng(), DNNL_MEMORY_NONE) {
    if (userMd != innerMd) {
      inner = dnnl::memory(innerMd, eng());
      convert = isInput ? dnnl::reorder(user, inner) : dnnl::reorder(inner, user);
      reordered = true;
    } else {
      inner = user;
    }
  }
  /** Points at an input's data and brings it into the primitive's layout. */
  void load(const float* p) {
    user.set_data_handle(const_cast<float*>(p));
    if (reordered) convert.execute(strm(), user, inner);
    loadedVersion = 0;
  }
  /**
   * load() for a weight: `version` (non-zero) names this content of this buffer (src/buffer-store.ts), and the
   * reorder is skipped when the last load had the same buffer and version — an evaluation loop's every batch, or
   * the same layer called twice in a step.
   */
  void loadVersioned(const float* p, double version) {
    if (version != 0 && version == loadedVersion && p == loadedFrom) return;
    load(p);
    loadedVersion = version;
    loadedFrom = p;
  }
  /** Points at an output's data; call store() after the primitive ran. */
  void bind(float* p) { user.set_data_handle(p); }
  void store() {
    if (reordered) convert.execute(strm(), inner, user);
  }
};

}  // namespace tk
