// Loaded into each training program `trainkit worker` starts (NODE_OPTIONS=--require this file). A worker that dies
// without stopping its program (SIGKILL, a crash, its machine's OOM killer) would leave the program training on as
// an orphan, writing into the run directory the job's retry on another worker is about to use. So the program
// watches its parent and, once that is gone (it is re-parented), ends itself at once; its job is retried and
// resumes from the last checkpoint. Programs it starts in turn (pnpm → node) watch theirs, down the chain.
'use strict';
if (process.env.TRAINKIT_SWEEP_WORKER) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 250).unref();
}
