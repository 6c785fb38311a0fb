export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Images per second of one round: every image of every step over the round's total time. */
export function roundThroughput(stepMs: readonly number[], batch: number): number {
  const total = stepMs.reduce((a, b) => a + b, 0);
  return (batch * stepMs.length * 1000) / total;
}
