import { defineConfig } from 'tsup';

export default defineConfig({
  // '@trainkit/core/kernels' is its own entry (package.json "exports"), so that backend packages reach the kernel
  // definitions without the root index carrying them.
  entry: { index: 'src/index.ts', 'kernels/index': 'src/kernels/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  // Module.typeName is the class name, as PyTorch prints it; keep names through bundling.
  keepNames: true,
});
