export { ArchitectureError } from './architecture/architecture-error.js';
export {
  type ModuleClass,
  type RegisterModuleClassOptions,
  registerModuleClass,
} from './architecture/module-registry.js';
export type { ChildSpec, ModuleSpec } from './architecture/module-spec.js';
export { ModuleDict } from './containers/module-dict.js';
export { ModuleList } from './containers/module-list.js';
export { Sequential } from './containers/sequential.js';
export * as functional from './functional/index.js';
export * as init from './init/index.js';
export * from './layers/index.js';
export * from './losses/index.js';
export {
  type ForwardHook,
  type ForwardPreHook,
  type LoadStateDictResult,
  Module,
  type RemovableHandle,
  type StateDict,
} from './module.js';
export { formatShape, ModuleError } from './module-error.js';
export { Parameter } from './parameter.js';
export { kwargs, pyRepr } from './py-repr.js';
export * as utils from './utils/index.js';
