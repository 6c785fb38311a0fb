// Child process of kill.test.ts: logs scalars in a loop until killed, and reports progress on stdout.
import { SummaryWriter } from '../../src/index.js';

const [dir, flushSecs] = [process.argv[2]!, Number(process.argv[3])];
const w = new SummaryWriter(dir, { flushSecs, maxQueue: 1_000_000 });
process.stdout.write(`file ${w.eventFile}\n`);
let step = 0;
const tick = (): void => {
  // Bursts of synchronous logging (a training step) separated by yields to the event loop.
  const end = Date.now() + 2;
  while (Date.now() < end) w.addScalar('x', step, step++);
  process.stdout.write(`step ${step - 1} ${Date.now() / 1000}\n`);
  setTimeout(tick, 10);
};
tick();
