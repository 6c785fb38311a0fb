import { tf } from '../tf.js';

/**
 * Whether `dataId` holds a registered variable's present values (a model's weights, an optimizer's state). Such data
 * outlives the passes that read it, so a backend may keep what it derives from it (transpose-elision.ts keeps a
 * weight's transpose) until the variable is assigned or disposed and the data is freed. A linear scan: a model has
 * tens to hundreds of variables, and this runs once per transpose, not per element.
 */
export function isVariableData(dataId: tf.DataId): boolean {
  const variables = tf.engine().state.registeredVariables;
  for (const name in variables) if (variables[name]!.dataId === dataId) return true;
  return false;
}
