import { readFile } from 'node:fs/promises';
import { tf } from '../tf.js';
import { writeFileAtomic } from './atomic-write.js';
import { SafetensorsError } from './safetensors-error.js';
import { parseRaw, type RawTensor, serializeRaw } from './safetensors-format.js';
import { fromRaw, toRaw } from './tensor-bytes.js';

/** What a safetensors file holds: named tensors and the string→string `__metadata__`. */
export interface SafetensorsContents {
  tensors: Record<string, tf.Tensor>;
  metadata: Record<string, string>;
}

/**
 * The bytes of a safetensors file holding `tensors` (like safetensors.torch.save): float32 as F32, int32 as I64
 * (PyTorch's integer dtype), bool as BOOL. Metadata values must be strings; JSON-encode anything else.
 */
export async function serializeSafetensors(
  tensors: Record<string, tf.Tensor>,
  metadata?: Record<string, string>,
  source = '<safetensors>',
): Promise<Uint8Array> {
  const chunks = await toChunks(tensors, metadata, source);
  return Buffer.concat(chunks);
}

/** Reads safetensors bytes (like safetensors.torch.load); the caller owns the returned tensors. */
export function deserializeSafetensors(bytes: Uint8Array, source = '<safetensors>'): SafetensorsContents {
  const { tensors: raw, metadata } = parseRaw(bytes, source);
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const [name, r] of raw) {
      const { dtype, values } = fromRaw(r, (detail) => new SafetensorsError(source, detail, { tensor: name }));
      tensors[name] = tf.tensor(values, r.shape, dtype);
    }
  } catch (err) {
    tf.dispose(Object.values(tensors));
    throw err;
  }
  return { tensors, metadata };
}

/** Writes `tensors` to a safetensors file at `path`, atomically (see writeFileAtomic). */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, tf.Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, await toChunks(tensors, metadata, path));
}

/** Reads a safetensors file, validating it thoroughly; errors name the file, the byte offset and the tensor. */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  return deserializeSafetensors(await readFile(path), path);
}

async function toChunks(
  tensors: Record<string, tf.Tensor>,
  metadata: Record<string, string> | undefined,
  source: string,
): Promise<Uint8Array[]> {
  const raw: Record<string, RawTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    try {
      raw[name] = await toRaw(t);
    } catch (err) {
      throw new SafetensorsError(source, (err as Error).message, { tensor: name });
    }
  }
  return serializeRaw(raw, metadata, source);
}
