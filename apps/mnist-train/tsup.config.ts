import { defineConfig } from 'tsup';

export default defineConfig({
  // index: the library (MLP, train, main) for tests and embedding; cli: the `mnist-train` command (package.json bin)
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
});
