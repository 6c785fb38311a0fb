export type Align = 'left' | 'right';

/**
 * Lays rows out in columns two spaces apart, each as wide as its widest cell; `align` per column (default left:
 * numbers read better right-aligned). Trailing spaces are trimmed. Returns one string per row.
 */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => width(r[c] ?? ''))));
  return rows.map((r) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - width(cell));
        return align[c] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** alignColumns joined into one block. */
export function formatTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  return alignColumns(rows, align).join('\n');
}

// Code points, not UTF-16 units: a tag or run name outside the BMP still lines up.
const width = (s: string): number => [...s].length;
