export { sgd } from './sgd.js';
export {
  type EpochMetrics,
  evaluateNet,
  type Loss,
  type Net,
  type PairIterable,
  type TrainCh3Options,
  type TrainCh3Result,
  trainCh3,
  trainEpochCh3,
  type Updater,
} from './train-ch3.js';
export { type TrainCh6Options, type TrainCh6Result, trainCh6 } from './train-ch6.js';
