export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from './clip-grad.js';
export { skipInit } from './skip-init.js';
