/** An integer, or one integer per spatial dimension: PyTorch's `int or tuple` arguments. */
export type IntOrPair = number | readonly [number, number];
export type IntOrSingle = number | readonly [number];

/** Expands `value` to `n` integers, like PyTorch's _pair/_single; `what` names the argument in errors. */
export function ntuple(value: number | readonly number[], n: number, what: string): number[] {
  const out = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (out.length !== n || !out.every((v) => Number.isInteger(v))) {
    throw new Error(`${what}: expected an integer or ${n} integers, got ${JSON.stringify(value)}`);
  }
  return out;
}

export const pair = (value: number | readonly number[], what: string): [number, number] =>
  ntuple(value, 2, what) as [number, number];
