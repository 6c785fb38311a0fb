import { hostname } from 'node:os';
import { join } from 'node:path';

let fileCounter = 0;

/**
 * `events.out.tfevents.<10-digit seconds>.<hostname>.<pid>.<counter><suffix>`, TensorBoard's EventFileWriter name.
 * TensorBoard finds event files by the `tfevents` part; the counter keeps two writers of one process apart.
 */
export function eventFileName(filenameSuffix = '', now = Date.now()): string {
  const secs = String(Math.floor(now / 1000)).padStart(10, '0');
  return `events.out.tfevents.${secs}.${hostname()}.${process.pid}.${fileCounter++}${filenameSuffix}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** PyTorch's default: `runs/<%b%d_%H-%M-%S>_<hostname><comment>` in local time, e.g. `runs/Nov23_14-05-09_box_lr0.1`. */
export function defaultLogDir(comment = '', now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${MONTHS[now.getMonth()]}${two(now.getDate())}_${two(now.getHours())}-${two(now.getMinutes())}-${two(now.getSeconds())}`;
  return join('runs', `${stamp}_${hostname()}${comment}`);
}
