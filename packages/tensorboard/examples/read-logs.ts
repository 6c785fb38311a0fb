import { loadLogdir, loadRun, SummaryWriter } from '@trainkit/tensorboard';

const writer = new SummaryWriter('runs/demo');
for (let step = 1; step <= 3; step++) writer.addScalar('train_loss', 1 / step, step);
writer.addText('notes', 'three *steps*', 3);
await writer.close();

const runs = await loadLogdir('runs'); // every directory with event files, named like TensorBoard's runs
for (const run of runs) {
  console.log(run.name, run.scalars.train_loss); // [{ step, wallTime, value }]; also images, histograms, texts, …
  console.log(run.issues); // [{ kind: 'truncated' | 'bad-length-crc' | 'bad-data-crc' | 'bad-event', file, offset, message }]
}
const demo = await loadRun('runs/demo'); // one run directory
console.log(demo.texts['notes/text_summary']?.[0]?.text); // addText's tag gets PyTorch's /text_summary suffix
