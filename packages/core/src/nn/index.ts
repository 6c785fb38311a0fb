export { Module, type ForwardHook, type ForwardPreHook, type RemovableHandle, type StateDict, type LoadStateDictResult } from './module.js';
export { ModuleError, formatShape } from './module-error.js';
export { Parameter } from './parameter.js';
export { pyRepr, kwargs } from './py-repr.js';
export { Sequential } from './containers/sequential.js';
export { ModuleList } from './containers/module-list.js';
export { ModuleDict } from './containers/module-dict.js';
