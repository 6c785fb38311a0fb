// Child process of kill.test.ts: queues 100 scalars (far below maxQueue and flushSecs), then ends as told.
import { SummaryWriter } from '../../src/index.js';

const [dir, mode] = [process.argv[2]!, process.argv[3]!];
const w = new SummaryWriter(dir, { flushSecs: 3600, maxQueue: 1_000_000 });
process.stdout.write(`file ${w.eventFile}\n`);
setTimeout(() => {
  for (let i = 0; i < 100; i++) w.addScalar('x', i, i);
  if (mode === 'exit') process.exit(3);
  if (mode === 'throw') throw new Error('crash in training');
  process.stdout.write('ready\n');
  setInterval(() => {}, 1000); // wait for the signal
}, 100);
