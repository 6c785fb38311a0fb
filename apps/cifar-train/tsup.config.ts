import { defineConfig } from 'tsup';

export default defineConfig({
  // index: the library (Tudui, train, main) for tests and embedding; cli: the `cifar-train` command (package.json bin)
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
});
