/** The columns torchinfo can show, by their torchinfo names (ColumnSettings). */
export const COLUMN_NAMES = [
  'kernel_size',
  'input_size',
  'output_size',
  'num_params',
  'params_percent',
  'mult_adds',
  'trainable',
] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

/** Row options (RowSettings): depth-idx after the type, the attribute name, ASCII tree lines, hide reused layers. */
export const ROW_SETTINGS = ['depth', 'var_names', 'ascii_only', 'hide_recursive_layers'] as const;
export type RowSetting = (typeof ROW_SETTINGS)[number];

export const HEADER_TITLES: Record<ColumnName, string> = {
  kernel_size: 'Kernel Shape',
  input_size: 'Input Shape',
  output_size: 'Output Shape',
  num_params: 'Param #',
  params_percent: 'Param %',
  mult_adds: 'Mult-Adds',
  trainable: 'Trainable',
};

/** 0: return only; 1: also print; 2: also print each layer's weight and bias rows. */
export type Verbosity = 0 | 1 | 2;

export type Mode = 'train' | 'eval';

/** Python's str() of a list of sizes: `[7, 1, 28, 28]`, nested lists likewise. */
export function pyList(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyList).join(', ')}]`;
  return String(value);
}

/** Python's `f'{n:,}'` for an integer. */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}
