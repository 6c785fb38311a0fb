// Child process of s3-run.test.ts: saves a 4 MB training checkpoint to one s3:// URL again and again (step 1, 2, 3
// …), reporting each one saved, until killed. The state is one a run could save (readTrainingState refuses others).
import { nn, optim, useBackend } from '@trainkit/core';
import { saveTrainingState } from '../../src/index.js';

await useBackend('cpu');
const url = process.argv[2]!;
const model = new nn.Linear(1000, 1000);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const position = { app: 'tiny', runDir: 's3://x/run', checkpointDir: url, config: {}, epoch: 0, batch: 0, step: 0 };
for (let step = 1; ; step++) {
  await saveTrainingState(url, model, optimizer, {
    ...position,
    step,
    running: { loss: 0, count: 0, totals: {} },
    history: [],
  } as never);
  process.stdout.write(`saved ${step}\n`);
}
