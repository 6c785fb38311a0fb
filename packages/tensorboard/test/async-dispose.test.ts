import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { polyfillAsyncDispose } from '../src/async-dispose.js';
import { loadRun, SummaryWriter } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-dispose-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('await using a SummaryWriter', () => {
  it('closes the writer at the end of the block: async inputs read, events flushed, writes refused', async () => {
    const dir = join(root, 'using');
    let writer: SummaryWriter | undefined;
    {
      await using w = new SummaryWriter(dir, { maxQueue: 1000, flushSecs: 1000 });
      writer = w;
      w.addScalar('loss', 0.5, 1);
      w.addScalar('late', { shape: [], data: async () => new Float32Array([0.25]) }, 2);
    }
    expect(() => writer!.addScalar('loss', 1, 2)).toThrow(/is closed/);
    const run = await loadRun(dir);
    expect(run.scalars.loss).toMatchObject([{ step: 1, value: 0.5 }]);
    expect(run.scalars.late).toMatchObject([{ step: 2, value: 0.25 }]);
  });

  it('closes it when the block throws too', async () => {
    const dir = join(root, 'throws');
    const body = async () => {
      await using w = new SummaryWriter(dir, { maxQueue: 1000, flushSecs: 1000 });
      w.addScalar('loss', 0.75, 3);
      throw new Error('training failed');
    };
    await expect(body()).rejects.toThrow('training failed');
    expect((await loadRun(dir)).scalars.loss).toMatchObject([{ step: 3, value: 0.75 }]);
  });

  it('the writer is an AsyncDisposable under Node’s own Symbol.asyncDispose', () => {
    const w = new SummaryWriter(join(root, 'symbol'));
    expect(typeof (w as unknown as AsyncDisposable)[Symbol.asyncDispose]).toBe('function');
    return w[Symbol.asyncDispose]();
  });
});

describe('Symbol.asyncDispose polyfill', () => {
  it('defines the symbol where it is missing, so TypeScript’s `await using` output runs there', async () => {
    // A fresh V8 context has no Symbol.asyncDispose (Node adds it to the main context only), like Node < 20.4.
    const context = { result: [] as string[] };
    const symbols = runInNewContext('Symbol', context) as SymbolConstructor;
    expect(symbols.asyncDispose).toBeUndefined();
    const sym = polyfillAsyncDispose(symbols);
    expect(typeof sym).toBe('symbol');
    expect(symbols.asyncDispose).toBe(sym);
    expect(polyfillAsyncDispose(symbols)).toBe(sym); // defined once
    // TypeScript lowers `await using` for ES2022 to helpers that read Symbol.asyncDispose at run time.
    const { outputText } = ts.transpileModule(
      `async function main() {
         await using r = { async [Symbol.asyncDispose]() { result.push('disposed'); } };
         result.push('body');
       }
       globalThis.done = main();`,
      { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, lib: ['esnext'] } },
    );
    runInNewContext(outputText, context);
    await (context as unknown as { done: Promise<void> }).done;
    expect(context.result).toEqual(['body', 'disposed']);
  });

  it('leaves an existing Symbol.asyncDispose alone', () => {
    expect(polyfillAsyncDispose(Symbol)).toBe(Symbol.asyncDispose);
  });
});
