export { type ArgmaxOptions, argmax } from './argmax.js';
export { item } from './item.js';
