import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  // fast-png (and its dependencies) ship as ESM only; bundling them keeps `require('@trainkit/data')` working on
  // every Node 20, not only on those (≥ 20.19) that can require() an ES module.
  noExternal: ['fast-png', 'iobuffer', 'fflate'],
});
