export { backward } from './backward.js';
export { enableGrad, isGradEnabled, isRecording, noGrad } from './grad-mode.js';
