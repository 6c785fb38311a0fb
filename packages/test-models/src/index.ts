export { MLP } from './mlp.js';
export { Tudui, tudui } from './tudui.js';
