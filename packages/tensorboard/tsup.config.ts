import { defineConfig } from 'tsup';

const common = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  sourcemap: true,
  shims: true,
  target: 'node20' as const,
  // fast-png (and its iobuffer) ship ESM only; bundling them keeps require('@trainkit/tensorboard') working on
  // every Node 20 without require(esm).
  noExternal: ['fast-png', 'iobuffer'],
};

export default defineConfig([
  { ...common, entry: ['src/index.ts'], dts: true, clean: true },
  { ...common, entry: ['src/cli.ts'], dts: false, clean: false },
]);
