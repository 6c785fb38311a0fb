#include "common.h"

namespace tk {

// One CPU engine and one in-order stream for the whole process: every call comes from Node's main thread, and
// oneDNN parallelises inside each primitive with OpenMP (threads = cores).
dnnl::engine& eng() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& strm() {
  static dnnl::stream s(eng());
  return s;
}

float* floatArg(napi_env env, napi_value v, size_t* length) {
  napi_typedarray_type type;
  size_t n = 0;
  void* data = nullptr;
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  if (!isTyped) throw std::runtime_error("expected a Float32Array");
  napi_get_typedarray_info(env, v, &type, &n, &data, nullptr, nullptr);
  if (type != napi_float32_array) throw std::runtime_error("expected a Float32Array");
  if (length) *length = n;
  return static_cast<float*>(data);
}

float* optionalFloatArg(napi_env env, napi_value v) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  return type == napi_null || type == napi_undefined ? nullptr : floatArg(env, v);
}

double numberArg(napi_env env, napi_value v, double fallback) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  if (type == napi_undefined) return fallback;
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw std::runtime_error("expected a number");
  return d;
}

std::vector<int> intsArg(napi_env env, napi_value v) {
  napi_typedarray_type type;
  size_t n = 0;
  void* data = nullptr;
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  if (!isTyped) throw std::runtime_error("expected an Int32Array");
  napi_get_typedarray_info(env, v, &type, &n, &data, nullptr, nullptr);
  if (type != napi_int32_array) throw std::runtime_error("expected an Int32Array");
  const int* p = static_cast<const int*>(data);
  return std::vector<int>(p, p + n);
}

int intProperty(napi_env env, napi_value object, const char* name) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (napi_get_named_property(env, object, name, &v) == napi_ok) napi_typeof(env, v, &type);
  if (type == napi_boolean) {
    bool b = false;
    napi_get_value_bool(env, v, &b);
    return b ? 1 : 0;
  }
  int i = 0;
  if (type != napi_number || napi_get_value_int32(env, v, &i) != napi_ok) {
    throw std::runtime_error(std::string("expected a number or boolean ") + name);
  }
  return i;
}

}  // namespace tk
