export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda-lr.js';
export { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { type AnnealStrategy, OneCycleLR, type OneCycleLROptions, type OneCyclePhase } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { StepLR, type StepLROptions } from './step-lr.js';
