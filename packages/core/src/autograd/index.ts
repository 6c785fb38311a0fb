export { noGrad, enableGrad, isGradEnabled, isRecording } from './grad-mode.js';
export { backward } from './backward.js';
