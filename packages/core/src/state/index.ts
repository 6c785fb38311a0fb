export { removeStaleTemporaries, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export {
  type CheckpointContents,
  deserializeCheckpoint,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  type Stateful,
  saveCheckpoint,
  serializeCheckpoint,
} from './checkpoint.js';
export { type LoadModelOptions, loadModel, saveModel } from './model-file.js';
export {
  deserializeSafetensors,
  loadSafetensors,
  type SafetensorsContents,
  saveSafetensors,
  serializeSafetensors,
} from './safetensors.js';
export { SAFETENSORS_DTYPES, type SafetensorsDtype } from './safetensors-dtype.js';
export { SafetensorsError } from './safetensors-error.js';
