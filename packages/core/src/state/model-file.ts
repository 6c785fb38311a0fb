import type { LoadStateDictResult, Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

/**
 * Saves a module's state dict (parameters and persistent buffers, under PyTorch's names) to a safetensors file,
 * atomically, like safetensors.torch.save_model. PyTorch loads it with
 * `model.load_state_dict(safetensors.torch.load_file(path))`.
 */
export async function saveModel(module: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  await saveSafetensors(path, module.stateDict(), metadata);
}

/**
 * Loads a safetensors state dict (one saved here or by PyTorch) into a module, like safetensors.torch.load_model:
 * with strict (the default) the names must match exactly; shapes must always match, and nothing changes unless all
 * do. int64 buffers come back as int32.
 */
export async function loadModel(
  module: Module,
  path: string,
  options: { strict?: boolean } = {},
): Promise<LoadStateDictResult> {
  const { tensors } = await loadSafetensors(path);
  try {
    return module.loadStateDict(tensors, options);
  } catch (err) {
    if (err instanceof Error) err.message = `${path}: ${err.message}`;
    throw err;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
