// The one tfjs instance every trainkit package uses; import tf from here, never from '@tensorflow/tfjs' directly,
// so that a second copy of tfjs-core can never end up holding half of the tensors.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Rank, DataType, TensorLike } from '@tensorflow/tfjs';
