// Child process of s3.test.ts: logs `count` scalars that stay queued (flushSecs is long), says so, and waits for a
// signal: the exit hooks must upload them before the signal ends the process.
import { SummaryWriter } from '../../src/index.js';

const [dir, count] = [process.argv[2]!, Number(process.argv[3])];
const w = new SummaryWriter(dir, { flushSecs: 3600 });
w.addScalar('loss', 0, 0); // the first event goes out at once, as locally
await w.flushed();
for (let step = 1; step < count; step++) w.addScalar('loss', 1 / (step + 1), step);
process.stdout.write(`queued ${count}\n`);
setInterval(() => {}, 1000);
