/**
 * Makes a closed stdout or stderr end the program quietly with `exitCode` (0), as `git log | head -1` or `seq 1e9 |
 * head -1` do. Node ignores SIGPIPE, so a write to a pipe whose reader has gone fails with EPIPE, emitted as an
 * 'error' event on the stream; unhandled, that event kills the program with a stack trace. The reader left on
 * purpose, so there is nobody left to tell anything. Other stream errors keep Node's behaviour (thrown) unless
 * another listener handles them (the Ctrl-C handler does after SIGHUP). Checkpoints are written to a temporary name
 * and renamed, so an exit here never leaves half a file under a final name. Each stream gets one handler however
 * often this is called (a process may run several commands); returns a function that removes those it installed.
 */
export function exitOnClosedPipe(
  streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
  exitCode = 0,
): () => void {
  const installed: [NodeJS.WritableStream, (err: NodeJS.ErrnoException) => void][] = [];
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') exit(exitCode);
      else if (stream.listenerCount('error') === 1) throw err;
    };
    guarded.add(stream);
    stream.on('error', onError);
    installed.push([stream, onError]);
  }
  return () => {
    for (const [stream, onError] of installed) {
      guarded.delete(stream);
      stream.off('error', onError);
    }
  };
}

const guarded = new WeakSet<NodeJS.WritableStream>();
