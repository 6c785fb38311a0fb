import { hostname } from 'node:os';
import { join } from 'node:path';

let fileCounter = 0;

// The seconds field of an event file name as we (and TensorFlow, PyTorch) write it.
const SECONDS_FIELD = /^events\.out\.tfevents\.(\d+)\./;

/**
 * `events.out.tfevents.<10-digit seconds>.<hostname>.<pid>.<counter><suffix>`, TensorBoard's EventFileWriter name.
 * TensorBoard finds event files by the `tfevents` part; the counter keeps two writers of one process apart.
 *
 * TensorBoard reads a run's files in name order, and its directory watcher skips a file that sorts before the one
 * it is reading. With the current second alone, a writer started in the same second as an earlier one in the same
 * directory (a run resumed right after Ctrl-C, a process with a smaller pid, or counter 10 after counter 9: the
 * comparison is by characters) could sort first, so its events would be read before, or instead of, the events they
 * continue (and a purgeStep would purge the wrong ones). So when `existing` (the names already in the directory)
 * holds a file of the same or a later second, the seconds field becomes that second + 1: the field is only a
 * sort key to TensorBoard, and the events keep their real wall times.
 */
export function eventFileName(filenameSuffix = '', now = Date.now(), existing: Iterable<string> = []): string {
  let secs = Math.floor(now / 1000);
  for (const name of existing) {
    const field = SECONDS_FIELD.exec(name)?.[1];
    if (field !== undefined && Number(field) >= secs) secs = Number(field) + 1;
  }
  return `events.out.tfevents.${String(secs).padStart(10, '0')}.${hostname()}.${process.pid}.${fileCounter++}${filenameSuffix}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** PyTorch's default: `runs/<%b%d_%H-%M-%S>_<hostname><comment>` in local time, e.g. `runs/Nov23_14-05-09_box_lr0.1`. */
export function defaultLogDir(comment = '', now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${MONTHS[now.getMonth()]}${two(now.getDate())}_${two(now.getHours())}-${two(now.getMinutes())}-${two(now.getSeconds())}`;
  return join('runs', `${stamp}_${hostname()}${comment}`);
}
