export { BACKEND_NAMES, type BackendName, type ConcreteBackend, isBackendName } from './backend-name.js';
export {
  type BackendPackage,
  type BackendThreads,
  provideBackendPackage,
  providedBackendPackage,
} from './backend-package.js';
export { type BackendCandidate, candidates } from './candidates.js';
export { checkDevice, Device, device, onGpu, toDevice, tryAllGpus, tryGpu } from './device.js';
export { type BackendInfo, backendInfo, describeBackend, useBackend } from './use-backend.js';
