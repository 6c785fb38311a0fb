import { UsageError } from './usage-error.js';

/** One flag's values in a grid search: every value is tried with every value of the other grid flags. */
export interface GridParam {
  /** the flag's name without dashes, as the program spells it: `lr`, `batch-size` */
  name: string;
  values: string[];
}

/** How a random search draws one flag's value. */
export type Distribution =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'loguniform'; low: number; high: number }
  | { kind: 'int'; low: number; high: number }
  | { kind: 'choice'; values: string[] };

export interface RandomParam {
  name: string;
  distribution: Distribution;
}

/** A sweep's search space: the grid's product, each point combined with `trials` random draws (1 without random). */
export interface SearchSpace {
  grid?: GridParam[];
  random?: RandomParam[];
  /** random draws per grid point (default 1) */
  trials?: number;
  /** seeds the random draws: the same seed gives the same configurations (default 0) */
  seed?: number;
}

/** One configuration of a sweep: flag name → value, in the order the flags were given. */
export type Configuration = Record<string, string>;

const FLAG_NAME = /^[a-z][a-z0-9-]*$/;

function splitAssignment(text: string, option: string): [string, string] {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).replace(/^--/, '');
  if (eq < 0 || !FLAG_NAME.test(name) || eq === text.length - 1) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected FLAG=VALUES, like ${option} lr=0.01,0.1`);
  }
  return [name, text.slice(eq + 1)];
}

/** `lr=0.01,0.1` → `{ name: 'lr', values: ['0.01', '0.1'] }`. */
export function parseGridParam(text: string): GridParam {
  const [name, list] = splitAssignment(text, '--grid');
  const values = list.split(',');
  if (values.some((v) => v.trim() === '')) throw new UsageError(`--grid ${text}: an empty value in the list`);
  if (new Set(values).size !== values.length) throw new UsageError(`--grid ${text}: a value is listed twice`);
  return { name, values };
}

/**
 * `lr=loguniform:1e-4:1e-1`, `momentum=uniform:0:0.99`, `batch-size=int:16:128` (both ends included) or
 * `optimizer=choice:sgd,adam` → a RandomParam.
 */
export function parseRandomParam(text: string): RandomParam {
  const [name, spec] = splitAssignment(text, '--random');
  const [kind, ...rest] = spec.split(':');
  const bad = (why: string) =>
    new UsageError(
      `--random ${text}: ${why}; expected uniform:LOW:HIGH, loguniform:LOW:HIGH, int:LOW:HIGH or choice:A,B,…`,
    );
  if (kind === 'choice') {
    const values = rest.join(':').split(',');
    if (values.some((v) => v === '')) throw bad('an empty choice');
    return { name, distribution: { kind, values } };
  }
  if (kind !== 'uniform' && kind !== 'loguniform' && kind !== 'int') throw bad(`unknown distribution "${kind}"`);
  if (rest.length !== 2) throw bad('two bounds needed');
  const [low, high] = rest.map((r) => (r.trim() === '' ? Number.NaN : Number(r))) as [number, number];
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw bad('the bounds must be numbers');
  if (!(low < high)) throw bad('LOW must be less than HIGH');
  if (kind === 'loguniform' && !(low > 0)) throw bad('loguniform bounds must be > 0');
  if (kind === 'int' && !(Number.isInteger(low) && Number.isInteger(high))) throw bad('int bounds must be integers');
  return { name, distribution: { kind, low, high } };
}

/** mulberry32: a small seeded generator, so that a sweep's random configurations can be drawn again. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(d: Distribution, next: () => number): string {
  switch (d.kind) {
    case 'choice':
      return d.values[Math.floor(next() * d.values.length)]!;
    case 'int':
      return String(d.low + Math.floor(next() * (d.high - d.low + 1)));
    case 'uniform':
      return String(Number((d.low + next() * (d.high - d.low)).toPrecision(6)));
    case 'loguniform': {
      const [lo, hi] = [Math.log(d.low), Math.log(d.high)];
      return String(Number(Math.exp(lo + next() * (hi - lo)).toPrecision(6)));
    }
  }
}

/**
 * Every configuration of a search space: the grid's cartesian product (the first flag varying slowest), each point
 * combined with `trials` random draws. Values are strings, passed to the program as they are.
 */
export function expandSearchSpace(space: SearchSpace): Configuration[] {
  const grid = space.grid ?? [];
  const random = space.random ?? [];
  const trials = space.trials ?? 1;
  if (!Number.isSafeInteger(trials) || trials < 1)
    throw new UsageError(`--trials: expected an integer ≥ 1, got ${trials}`);
  if (random.length === 0 && space.trials !== undefined && trials > 1) {
    throw new UsageError(`--trials ${trials}: trials are random draws; give --random too`);
  }
  const names = [...grid.map((p) => p.name), ...random.map((p) => p.name)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--${twice} is swept twice; give each flag once in --grid or --random`);
  if (names.length === 0) throw new UsageError('nothing to sweep: give --grid FLAG=A,B and/or --random FLAG=DIST');

  let points: Configuration[] = [{}];
  for (const p of grid) points = points.flatMap((c) => p.values.map((v) => ({ ...c, [p.name]: v })));
  if (random.length === 0) return points;
  const next = generator(space.seed ?? 0);
  return points.flatMap((c) =>
    Array.from({ length: trials }, () => {
      const out = { ...c };
      for (const p of random) out[p.name] = draw(p.distribution, next);
      return out;
    }),
  );
}
