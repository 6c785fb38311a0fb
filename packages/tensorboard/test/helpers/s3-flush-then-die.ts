// Child process of s3.test.ts: logs `flushed` scalars, waits for them to be uploaded, says so, logs more (never
// flushed: flushSecs is long) and waits to be killed.
import { SummaryWriter } from '../../src/index.js';

const [dir, flushed, more] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const w = new SummaryWriter(dir, { flushSecs: 3600 });
for (let step = 0; step < flushed; step++) w.addScalar('loss', 1 / (step + 1), step);
await w.flushed();
for (let step = flushed; step < flushed + more; step++) w.addScalar('loss', 1 / (step + 1), step);
process.stdout.write(`flushed ${flushed}\n`);
setInterval(() => {}, 1000);
