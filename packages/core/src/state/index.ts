export { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export {
  type CheckpointContents,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  deserializeCheckpoint,
  loadCheckpoint,
  type Stateful,
  saveCheckpoint,
  serializeCheckpoint,
} from './checkpoint.js';
export { loadModel, saveModel } from './model-file.js';
export {
  deserializeSafetensors,
  loadSafetensors,
  type SafetensorsContents,
  saveSafetensors,
  serializeSafetensors,
} from './safetensors.js';
export { SAFETENSORS_DTYPES, type SafetensorsDtype } from './safetensors-dtype.js';
export { SafetensorsError } from './safetensors-error.js';
