export { type BackendName, type ConcreteBackend, BACKEND_NAMES, isBackendName } from './backend-name.js';
export { type BackendInfo, useBackend, backendInfo, describeBackend } from './use-backend.js';
export { type BackendCandidate, candidates } from './candidates.js';
