import '../nn/architecture/builtin-modules.js';
import { ArchitectureError } from '../nn/architecture/architecture-error.js';
import { rebuildModule } from '../nn/architecture/rebuild-module.js';
import type { LoadStateDictResult, Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { checkpointModelTensors } from './checkpoint.js';
import { architectureMetadata, readArchitecture } from './model-architecture.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

export interface LoadModelOptions {
  /** the state dict's names must match the model's exactly (default true); shapes must always match */
  strict?: boolean;
}

/**
 * Saves a whole model, as torch.save(model): its state dict (parameters and persistent buffers, under PyTorch's
 * names) in a safetensors file, written atomically, whose metadata also holds the architecture — classes,
 * constructor arguments, children, training mode, frozen parameters — so that loadModel(path) rebuilds it. PyTorch
 * still reads the weights with `model.load_state_dict(safetensors.torch.load_file(path))`. Throws, before writing,
 * naming the module whose architecture a file cannot hold (an anonymous class, a tensor constructor argument).
 */
export async function saveModel(module: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  let architecture: Record<string, string>;
  try {
    architecture = architectureMetadata(module);
  } catch (err) {
    throw new Error(`${path}: cannot save the model's architecture: ${(err as Error).message}`);
  }
  await saveSafetensors(path, module.stateDict(), { ...metadata, ...architecture });
}

/**
 * Loads a whole model saved by saveModel, or the model of a training checkpoint (saveCheckpoint), as torch.load:
 * the architecture is rebuilt from the file — trainkit's layers and containers as they are, your own classes once
 * registered with nn.registerModuleClass (an error names a class that is not) — and the weights are loaded
 * strictly. The result is typed as `M` unchecked, as torch.load's is.
 */
export function loadModel<M extends Module = Module>(path: string, options?: LoadModelOptions): Promise<M>;
/**
 * Loads a safetensors state dict (one saved here or by PyTorch, or a checkpoint's model) into `module`, like
 * safetensors.torch.load_model: with strict (the default) the names must match exactly; shapes must always match,
 * and nothing changes unless all do. int64 buffers come back as int32.
 */
export function loadModel(module: Module, path: string, options?: LoadModelOptions): Promise<LoadStateDictResult>;
export function loadModel(
  target: Module | string,
  pathOrOptions?: string | LoadModelOptions,
  options: LoadModelOptions = {},
): Promise<Module | LoadStateDictResult> {
  if (typeof target === 'string') return loadWholeModel(target, (pathOrOptions as LoadModelOptions | undefined) ?? {});
  if (typeof pathOrOptions !== 'string') throw new Error('loadModel(module, path): path must be a string');
  return loadStateDictFile(target, pathOrOptions, options);
}

async function loadStateDictFile(
  module: Module,
  path: string,
  options: LoadModelOptions,
): Promise<LoadStateDictResult> {
  const { tensors, metadata } = await loadSafetensors(path);
  try {
    return module.loadStateDict(checkpointModelTensors(tensors, metadata) ?? tensors, options);
  } catch (err) {
    if (err instanceof Error) err.message = `${path}: ${err.message}`;
    throw err;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

async function loadWholeModel(path: string, options: LoadModelOptions): Promise<Module> {
  const { tensors, metadata } = await loadSafetensors(path);
  try {
    const spec = readArchitecture(metadata, (detail) => new Error(`${path}: ${detail}`));
    let model: Module;
    try {
      model = rebuildModule(spec);
    } catch (err) {
      if (err instanceof ArchitectureError) err.message = `${path}: ${err.message}`;
      throw err;
    }
    try {
      model.loadStateDict(checkpointModelTensors(tensors, metadata) ?? tensors, options);
    } catch (err) {
      model.dispose();
      throw new Error(
        `${path}: the weights do not fit the model rebuilt from its architecture (a class whose constructor arguments decide its parameters' shapes needs them registered: nn.registerModuleClass(cls, { args })):\n${(err as Error).message}`,
      );
    }
    return model;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
