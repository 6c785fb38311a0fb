import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/manifest.js';
import { manifestProblems } from '../src/manifest-problems.js';
import { packPackage } from '../src/pack-package.js';
import { missingPackedFiles, packedManifestProblems } from '../src/packed-manifest-problems.js';
import { tsupOutputs } from '../src/tsup-outputs.js';
import { versioningIgnore } from '../src/versioning-ignore.js';
import {
  publishablePackages,
  repoRoot,
  trainkitDependencyClosure,
  workspacePackages,
} from '../src/workspace-packages.js';

const all = workspacePackages();
const publishable = publishablePackages(all);
const versions = new Map(all.map((p) => [p.manifest.name, p.manifest.version]));
const privateNames = new Set(all.filter((p) => p.manifest.private).map((p) => p.manifest.name));
const tmp = mkdtempSync(join(tmpdir(), 'trainkit-manifests-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('publishable packages', () => {
  it('are the libraries; the apps, tools and test models stay private', () => {
    expect(publishable.map((p) => p.manifest.name).sort()).toEqual([
      '@trainkit/backend-native',
      '@trainkit/backend-wasm',
      '@trainkit/core',
      '@trainkit/data',
      '@trainkit/metrics',
      '@trainkit/models',
      '@trainkit/sweep',
      '@trainkit/tensorboard',
      '@trainkit/train',
      '@trainkit/viz',
    ]);
    for (const p of all.filter((p) => !p.path.startsWith('packages/'))) expect(p.manifest.private, p.path).toBe(true);
    expect(privateNames.has('@trainkit/test-models')).toBe(true);
  });

  it('releases version the published packages only: versioning.ignore lists exactly the private ones', () => {
    expect(versioningIgnore().sort()).toEqual([...privateNames].sort());
  });

  it('each change intent in .changeset/ has frontmatter naming published packages with a bump', () => {
    const dir = join(repoRoot, '.changeset');
    const intents = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
    const names = new Set(publishable.map((p) => p.manifest.name));
    for (const file of intents) {
      const text = readFileSync(join(dir, file), 'utf8');
      const front = text.match(/^---\n([\s\S]*?)\n---\n/)?.[1];
      expect(front, `${file}: no frontmatter`).toBeDefined();
      for (const line of front!.split('\n').filter(Boolean)) {
        const [, name, bump] = line.match(/^["']?([^"':]+)["']?:\s*(\w+)$/) ?? [];
        expect(names.has(name!), `${file}: ${line}`).toBe(true);
        expect(['patch', 'minor', 'major', 'none'], `${file}: ${line}`).toContain(bump);
      }
    }
  });

  it.each(publishable.map((p) => [p.manifest.name, p] as const))(
    '%s: publishConfig, files, and exports pointing at what tsup emits',
    async (_, pkg) => {
      const emitted = await tsupOutputs(pkg.dir);
      expect(manifestProblems(pkg.manifest, { dir: pkg.dir, emitted, privateNames })).toEqual([]);
      // and a typed consumer for pack-check to compile and run
      expect(existsSync(new URL(`../consumers/${basename(pkg.dir)}.ts`, import.meta.url))).toBe(true);
    },
  );

  it('pnpm pack rewrites workspace ranges into the versions they stand for', () => {
    const metrics = publishable.find((p) => p.manifest.name === '@trainkit/metrics')!;
    expect(metrics.manifest.dependencies?.['@trainkit/core']).toBe('workspace:^');
    const pack = packPackage(metrics.dir, tmp);
    expect(packedManifestProblems(pack.manifest, metrics.manifest, versions)).toEqual([]);
    expect(pack.manifest.dependencies?.['@trainkit/core']).toBe(`^${versions.get('@trainkit/core')}`);
    expect(pack.manifest.publishConfig).toEqual({ access: 'public' });
    expect(pack.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'src/index.ts']));
  });

  it('the trainkit dependencies a package installs with', () => {
    expect(trainkitDependencyClosure('@trainkit/tensorboard', all)).toEqual([]);
    expect(trainkitDependencyClosure('@trainkit/sweep', all)).toEqual(['@trainkit/tensorboard']);
    expect(trainkitDependencyClosure('@trainkit/data', all)).toEqual(['@trainkit/core']);
    expect(trainkitDependencyClosure('@trainkit/train', all).sort()).toEqual(
      ['@trainkit/core', '@trainkit/data', '@trainkit/metrics', '@trainkit/tensorboard', '@trainkit/viz'].sort(),
    );
  });

  it('tsup outputs: named entries, several configs, dts only where asked', async () => {
    const core = await tsupOutputs(all.find((p) => p.path === 'packages/core')!.dir);
    expect([...core].sort()).toEqual(
      [
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
        'dist/kernels/index.js',
        'dist/kernels/index.cjs',
        'dist/kernels/index.d.ts',
        'dist/kernels/index.d.cts',
      ].sort(),
    );
    const tensorboard = await tsupOutputs(all.find((p) => p.path === 'packages/tensorboard')!.dir);
    expect(tensorboard.has('dist/cli.js')).toBe(true);
    expect(tensorboard.has('dist/cli.d.ts')).toBe(false);
  });
});

describe('the checks catch', () => {
  const data = all.find((p) => p.path === 'packages/data')!;
  const broken: Manifest = {
    name: '@trainkit/broken',
    version: '1.0.0',
    files: ['src', 'missing-dir'],
    main: './dist/index.cjs',
    exports: {
      '.': {
        import: { default: './dist/index.js', types: './dist/index.d.ts' },
        require: { types: './dist/index.d.ts', default: './dist/other.cjs' },
      },
    },
    dependencies: { '@trainkit/test-models': 'workspace:^' },
  };

  it('each problem of a manifest', async () => {
    const emitted = await tsupOutputs(data.dir);
    const problems = manifestProblems(broken, { dir: data.dir, emitted, privateNames }).join('\n');
    expect(problems).toContain('publishConfig.access should be "public"');
    expect(problems).toContain('"files" should list "dist"');
    expect(problems).toContain('"files" lists missing-dir, which does not exist');
    expect(problems).toContain('dist/other.cjs is not emitted by tsup.config.ts');
    expect(problems).toContain('under "require" expected a .d.cts or .cjs file');
    expect(problems).toContain('"types" should come first');
    expect(problems).toContain('not in "files"');
    expect(problems).toContain('names @trainkit/test-models, a private package');
  });

  it('a workspace range left in a packed manifest, and files the tarball lacks', () => {
    const packed = { ...broken, dependencies: { '@trainkit/core': 'workspace:^' } };
    const source = { ...broken, dependencies: { '@trainkit/core': 'workspace:^' } };
    const problems = packedManifestProblems(packed, source, versions).join('\n');
    expect(problems).toContain('still says workspace:');
    expect(problems).toContain(`expected ^${versions.get('@trainkit/core')}`);
    expect(missingPackedFiles(broken, ['package.json', 'dist/index.js'])).toEqual([
      '@trainkit/broken: exports["."]["import"]["types"] → dist/index.d.ts is not in the tarball',
      '@trainkit/broken: exports["."]["require"]["types"] → dist/index.d.ts is not in the tarball',
      '@trainkit/broken: exports["."]["require"]["default"] → dist/other.cjs is not in the tarball',
      '@trainkit/broken: main → dist/index.cjs is not in the tarball',
    ]);
  });
});
