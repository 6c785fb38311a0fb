import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The root README's "Reliability" table states what the fault campaign found; each figure there is computed by a
// test, which checks that the README says exactly that (so the table can be neither hand-typed nor stale).

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The cells of the Reliability table's row whose first cell starts with `label`. */
export function reliabilityRow(label: string): string[] {
  const text = readFileSync(README, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Reliability'));
  if (section === undefined) throw new Error(`${README}: no "## Reliability" section`);
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0]?.startsWith(label)) return cells;
  }
  throw new Error(`${README}: the Reliability table has no row "${label}"`);
}

/**
 * Throws unless the row `label` of the README's Reliability table holds `figure` (e.g. "112/112"), and prints the
 * figure, so that the test's log and the README say the same.
 */
export function expectReliabilityFigure(label: string, figure: string): void {
  console.log(`reliability: ${label}: ${figure}`);
  const cells = reliabilityRow(label);
  if (!cells.slice(1).some((c) => c.includes(figure)))
    throw new Error(
      `README.md, Reliability table, row "${label}": the test measured ${figure}, the README says "${cells.slice(1).join(' | ')}"`,
    );
}
