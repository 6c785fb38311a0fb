import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // import.meta.url in the cjs build: tfjs-backend-wasm and its binaries are resolved from the module file.
  shims: true,
  target: 'node20',
});
