// The one tfjs instance every trainkit package uses; import tf from here, never from '@tensorflow/tfjs' directly,
// so that a second copy of tfjs-core can never end up holding half of the tensors.
import * as tf from '@tensorflow/tfjs';

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js" the first time a tensor is
 * written; trainkit tells users which backend runs and why, so that advice is noise. It is silenced here, at import,
 * because tensors can be made (a layer's init) before useBackend runs. Until useBackend chooses, tensors live on cpu:
 * selecting it here (when nothing else was chosen) keeps tfjs from re-creating the backend, banner and all.
 */
export function quietCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}
if ((tf.engine() as unknown as { backendName: string | null }).backendName == null) void tf.setBackend('cpu');
quietCpuBanner();

export type { DataType, Rank, Tensor, TensorLike } from '@tensorflow/tfjs';
export { tf };
