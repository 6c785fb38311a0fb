import { defineConfig } from 'tsup';

const common = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  sourcemap: true,
  shims: true,
  target: 'node20' as const,
};

export default defineConfig([
  { ...common, entry: ['src/index.ts'], dts: true, clean: true },
  { ...common, entry: ['src/cli.ts'], dts: false, clean: false },
]);
