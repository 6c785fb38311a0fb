/**
 * Thrown out of a training loop by TrainingRun.batches() once a signal stopped the run mid-epoch and its checkpoint
 * is saved; TrainingRun.fit() catches it and ends the run as interrupted. Never seen by a program's caller.
 */
export class TrainingStopped extends Error {
  constructor() {
    super('training stopped by a signal');
    this.name = 'TrainingStopped';
  }
}
