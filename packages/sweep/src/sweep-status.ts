import type { Job, Queue } from 'bullmq';
import type { SweepJobData, SweepJobProgress } from './sweep-job.js';

/** Where a job stands, in BullMQ's words ('delayed': waiting out its retry backoff). */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

export interface SweepJobStatus {
  job: string;
  state: JobState;
  /** attempts started: a retry after a failure and a run again after its worker died both count */
  attempts: number;
  /** tries allowed */
  maxAttempts: number;
  /** the worker that ran (or runs) it last */
  worker: string | undefined;
  runDir: string;
  params: SweepJobData['params'];
  /** `epoch 2/5` while it runs */
  progress: string | undefined;
  /** why the last attempt failed */
  failedReason: string | undefined;
}

export interface SweepStatus {
  sweep: string;
  jobs: SweepJobStatus[];
  counts: Record<JobState, number>;
  /** no job waiting, active or delayed */
  finished: boolean;
}

const STATES: JobState[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];
// BullMQ's other states, for our purposes: prioritized jobs are waiting; a flow's parents are not used here.
const QUERIED = ['wait', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

/** Every job of the queue that belongs to `sweep`, in sweep order. */
export async function sweepJobs(queue: Queue<SweepJobData>, sweep: string): Promise<Job<SweepJobData>[]> {
  const all = await queue.getJobs([...QUERIED], 0, -1, true);
  return all.filter((j) => j?.data?.sweep === sweep).sort((a, b) => a.data.job.localeCompare(b.data.job));
}

/** The sweeps the queue holds jobs of, for an error that says which names exist. */
export async function sweepNames(queue: Queue<SweepJobData>): Promise<string[]> {
  const all = await queue.getJobs([...QUERIED], 0, -1, true);
  return [...new Set(all.map((j) => j?.data?.sweep).filter((s): s is string => typeof s === 'string'))].sort();
}

function progressLine(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  const { epoch, epochs } = p as SweepJobProgress;
  return epoch !== undefined && epochs !== undefined ? `epoch ${epoch}/${epochs}` : undefined;
}

/** Where each job of a sweep stands. */
export async function sweepStatus(queue: Queue<SweepJobData>, sweep: string): Promise<SweepStatus> {
  const jobs: SweepJobStatus[] = [];
  for (const j of await sweepJobs(queue, sweep)) {
    const raw = await j.getState();
    const state: JobState = STATES.includes(raw as JobState) ? (raw as JobState) : 'waiting';
    const progress = j.progress as SweepJobProgress | number | undefined;
    jobs.push({
      job: j.data.job,
      state,
      attempts: j.attemptsStarted,
      maxAttempts: j.opts.attempts ?? 1,
      worker: j.processedBy ?? (typeof progress === 'object' ? progress.worker : undefined),
      runDir: j.data.runDir,
      params: j.data.params,
      progress: state === 'active' ? progressLine(progress) : undefined,
      failedReason: j.failedReason || undefined,
    });
  }
  const counts = Object.fromEntries(STATES.map((s) => [s, jobs.filter((j) => j.state === s).length])) as Record<
    JobState,
    number
  >;
  return { sweep, jobs, counts, finished: counts.waiting + counts.active + counts.delayed === 0 };
}

/** The status as a table: one row per job, then the counts. */
export function formatSweepStatus(status: SweepStatus): string {
  const rows = status.jobs.map((j) => [
    j.job,
    j.state + (j.progress ? ` (${j.progress})` : ''),
    `${j.attempts}/${j.maxAttempts}`,
    j.worker ?? '-',
    j.runDir,
  ]);
  const head = ['job', 'state', 'attempts', 'worker', 'run dir'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const failed = status.jobs
    .filter((j) => j.state === 'failed' && j.failedReason)
    .map((j) => `${j.job} failed: ${j.failedReason}`);
  const counts = STATES.filter((s) => status.counts[s] > 0)
    .map((s) => `${status.counts[s]} ${s}`)
    .join(', ');
  return [line(head), ...rows.map(line), '', `sweep ${status.sweep}: ${counts}`, ...failed, ''].join('\n');
}
