// The addon's entry: one N-API function per primitive family. Every function works in place on the typed arrays
// tfjs's cpu data store holds, so no tensor data is copied on the way in or out.
#include "common.h"

namespace tk {
napi_value Conv2dForward(napi_env, napi_callback_info);
napi_value Conv2dBackwardData(napi_env, napi_callback_info);
napi_value Conv2dBackwardWeights(napi_env, napi_callback_info);
napi_value Pool2dForward(napi_env, napi_callback_info);
napi_value Pool2dBackward(napi_env, napi_callback_info);
napi_value MatMul(napi_env, napi_callback_info);
napi_value Transpose(napi_env, napi_callback_info);
napi_value Sum(napi_env, napi_callback_info);
napi_value Binary(napi_env, napi_callback_info);
napi_value Eltwise(napi_env, napi_callback_info);
napi_value Step(napi_env, napi_callback_info);
napi_value Softmax(napi_env, napi_callback_info);
napi_value BatchNormTrain(napi_env, napi_callback_info);
napi_value BatchNormGradInput(napi_env, napi_callback_info);
napi_value BatchNormGradWeight(napi_env, napi_callback_info);
napi_value SgdUpdate(napi_env, napi_callback_info);
napi_value AdamUpdate(napi_env, napi_callback_info);
}  // namespace tk

static napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"conv2d", nullptr, tk::Conv2dForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardData", nullptr, tk::Conv2dBackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardWeights", nullptr, tk::Conv2dBackwardWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pool2d", nullptr, tk::Pool2dForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pool2dBackward", nullptr, tk::Pool2dBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, tk::MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, tk::Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sum", nullptr, tk::Sum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, tk::Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"eltwise", nullptr, tk::Eltwise, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"step", nullptr, tk::Step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmax", nullptr, tk::Softmax, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrain", nullptr, tk::BatchNormTrain, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGradInput", nullptr, tk::BatchNormGradInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGradWeight", nullptr, tk::BatchNormGradWeight, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdUpdate", nullptr, tk::SgdUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, tk::AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  const dnnl_version_t* v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_create_string_utf8(env, s.c_str(), s.size(), &version);
  napi_set_named_property(env, exports, "dnnlVersion", version);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
