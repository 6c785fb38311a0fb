export { type ArgmaxOptions, argmax } from './argmax.js';
export { gather } from './gather.js';
export { item } from './item.js';
