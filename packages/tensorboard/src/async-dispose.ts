/**
 * `Symbol.asyncDispose`, which `await using` looks up. Node has it from 20.4 (and 18.18); on an older Node 20 this
 * defines it the way TypeScript's documentation and core-js do, so `await using w = new SummaryWriter()` (compiled
 * by TypeScript, which reads Symbol.asyncDispose at run time) works there too.
 */
export const asyncDispose: typeof Symbol.asyncDispose = polyfillAsyncDispose(Symbol);

/** Returns `symbols.asyncDispose`, defining it first when missing. */
export function polyfillAsyncDispose(symbols: SymbolConstructor): typeof Symbol.asyncDispose {
  if (typeof symbols.asyncDispose !== 'symbol') {
    Object.defineProperty(symbols, 'asyncDispose', { value: Symbol.for('Symbol.asyncDispose') });
  }
  return symbols.asyncDispose;
}
