import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

/** node:util's parseArgs (strict, no positionals) with its errors said the way trainkit's programs say them. */
export function parseCommandFlags<O extends Options>(command: string, argv: readonly string[], options: O): Values<O> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Values<O>;
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`${command}: unknown flag ${unknown[1]}`);
    const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
    if (missing) throw new UsageError(`${command}: ${missing[2]} needs a value`);
    const positional = /Unexpected argument '([^']*)'/.exec(message);
    if (positional) {
      throw new UsageError(`${command}: unexpected argument '${positional[1]}' (the program to run goes after --)`);
    }
    throw new UsageError(`${command}: ${message.split('\n')[0]}`);
  }
}

/** An integer flag's value, checked: `--attempts: expected an integer ≥ 1, got "0"`. */
export function intFlag(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}
