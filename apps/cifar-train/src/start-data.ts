import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CIFAR_RECORD_BYTES, locateCifar10 } from '@trainkit/data';
import { parseArgs } from './config.js';

export interface StartDataOptions {
  /** where `pnpm start` keeps the full CIFAR-10 (apps/cifar-train/data): found there, or downloaded with --download */
  dataDir: string;
  /** the sample committed with the repository (samples/cifar-10-sample) */
  sampleDir: string;
  /** the directory the line's paths are shown relative to (the repository root) */
  root: string;
}

/** What `pnpm start` trains on: the flags it puts before the user's, and the line that says so (none for --help). */
export interface StartData {
  args: string[];
  line?: string;
}

/** Images in the sample's train and test files, from their sizes (3073-byte records). */
function sampleCounts(dir: string): { train: number; test: number } {
  const records = (file: string) => statSync(join(dir, file)).size / CIFAR_RECORD_BYTES;
  const files = readdirSync(dir);
  const sum = (names: string[]) => names.reduce((n, f) => n + records(f), 0);
  return {
    train: sum(files.filter((f) => /^data_batch_\d+\.bin$/.test(f))),
    test: sum(files.filter((f) => f === 'test_batch.bin')),
  };
}

/**
 * Chooses the data of `pnpm start`, so that a fresh clone trains offline: --data-dir when given; the checkpoint's own
 * data with --resume; the full CIFAR-10 in `dataDir` when it is there or --download asks for it; else the committed
 * sample, saying how small it is and how to get the full set. Flags that do not parse are left to main(), which
 * reports them; --help gets no line, so the help is all it prints.
 */
export function startData(argv: readonly string[], { dataDir, sampleDir, root }: StartDataOptions): StartData {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch {
    return { args: [] };
  }
  const { config, explicit, help } = parsed;
  if (help) return { args: [] };
  const shown = (path: string) => relative(root, path) || '.';
  const doing = config.evalOnly === undefined ? 'training' : 'evaluating';
  if (explicit.has('dataDir')) return { args: [], line: `pnpm start: ${doing} on --data-dir ${config.dataDir}` };
  if (config.resume !== undefined) {
    // the checkpoint's config holds the data directory its run trained on (absolute), which a --data-dir here would replace
    return { args: [], line: "pnpm start: resuming on the data of the checkpoint's run" };
  }
  const full = ['--data-dir', dataDir];
  if (locateCifar10(dataDir)) return { args: full, line: `pnpm start: ${doing} on the CIFAR-10 in ${shown(dataDir)}` };
  if (explicit.has('download') && config.download) {
    return {
      args: full,
      line: `pnpm start: downloading the full CIFAR-10 (cifar-10-binary.tar.gz, 170 MB) into ${shown(dataDir)} and ${doing} on it`,
    };
  }
  if (!existsSync(sampleDir)) {
    return {
      args: full,
      line: `pnpm start: no CIFAR-10 in ${shown(dataDir)} and no sample in ${shown(sampleDir)}; ${doing} on the full CIFAR-10${config.download ? ', downloaded (170 MB)' : ''}`,
    };
  }
  const n = sampleCounts(sampleDir);
  return {
    args: ['--data-dir', sampleDir],
    line:
      `pnpm start: no CIFAR-10 in ${shown(dataDir)}, so ${doing} on the sample in ${shown(sampleDir)} ` +
      `(${n.train.toLocaleString('en-US')} of the 50,000 training and ${n.test.toLocaleString('en-US')} of the ` +
      '10,000 test images); for the full set: pnpm start -- --download (170 MB)',
  };
}
