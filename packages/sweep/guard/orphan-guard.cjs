// Loaded into each training program `trainkit worker` starts (NODE_OPTIONS=--require this file). A worker that dies
// without stopping its program (SIGKILL, a crash, its machine's OOM killer) would leave the program training on as
// an orphan, writing into the run directory the job's retry on another worker is about to use. So the program
// watches its parent and, once that is gone (it is re-parented), ends itself at once; its job is retried and
// resumes from the last checkpoint. Programs it starts in turn (pnpm → node) watch theirs, down the chain.
// The watch runs on a thread of its own: a training step's synchronous compute would hold back a timer on the main
// thread until the next real I/O, often the end of the epoch.
'use strict';
const { isMainThread, Worker } = require('node:worker_threads');
if (process.env.TRAINKIT_SWEEP_WORKER && isMainThread) {
  const watch = `
    const parent = ${process.ppid};
    setInterval(() => {
      if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
    }, 100);
  `;
  new Worker(watch, { eval: true, execArgv: [], env: {} }).unref();
}
