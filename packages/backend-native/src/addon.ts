import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A convolution as the addon's conv functions take it: x NHWC [batch, inHeight, inWidth, inChannels], filter HWIO
 * [filterHeight, filterWidth, inChannels, outChannels], output [batch, outHeight, outWidth, outChannels]. The addon
 * reads it member by member (src/native/conv.cc), and the values key its cache of primitives.
 */
export interface ConvParams {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** tfjs's dilation: the step between taps, 1 for none */
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** conv2d: `bias` (length outChannels) is added inside the primitive; conv2dBackwardWeights: db is summed too */
  hasBias: boolean;
  /** conv2d: relu applied inside the primitive (with a bias only) */
  relu: boolean;
  /** the channel block (0: NHWC, 8 or 16; BufferStore) of x (conv2d, conv2dBackwardWeights) */
  xBlock: number;
  /** the channel block of dy (conv2dBackwardData, conv2dBackwardWeights) */
  dyBlock: number;
  /** whether the output (y of conv2d, dx of conv2dBackwardData) may stay channel-blocked */
  blockedOut: boolean;
}

/** The functions the oneDNN addon exports; each reads and writes the given Float32Arrays in place. */
export interface NativeAddon {
  dnnlVersion: string;
  /**
   * y = conv2d(x, w) (+ bias, relu per params); returns y's channel block (0: NHWC, see BufferStore). `wVersion`
   * (BufferStore.versionOf) lets the addon skip reordering weights it reordered last time.
   */
  conv2d(
    x: Float32Array,
    w: Float32Array,
    y: Float32Array,
    params: ConvParams,
    bias?: Float32Array | null,
    wVersion?: number,
  ): number;
  /** returns dx's channel block, as conv2d returns y's (0: NHWC); wVersion as for conv2d */
  conv2dBackwardData(
    dy: Float32Array,
    w: Float32Array,
    dx: Float32Array,
    params: ConvParams,
    wVersion?: number,
  ): number;
  /** dw, and with params.hasBias also db = Σ dy over N, H, W (length outChannels) in the same pass */
  conv2dBackwardWeights(
    x: Float32Array,
    dy: Float32Array,
    dw: Float32Array,
    params: ConvParams,
    db?: Float32Array,
  ): void;
  /**
   * dims N,H,W,C, OH,OW, KH,KW, sH,sW, padTop,padLeft, kind (0 max, 1 avg over valid pixels, 2 avg over the whole
   * window), and for pool2d x's channel block (y is blocked alike)
   */
  pool2d(x: Float32Array, y: Float32Array, dims: Int32Array): void;
  pool2dBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: Int32Array): void;
  /** dims batchA, batchB, M, N, K, transposeA, transposeB, hasBias (then `bias`, length N, is added to every row) */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, dims: Int32Array, bias?: Float32Array): void;
  /** key rank, shape[rank], perm[rank] */
  transpose(x: Float32Array, y: Float32Array, key: Int32Array): void;
  /** key rank, shape[rank], reduced[rank] (1 = summed) */
  sum(x: Float32Array, y: Float32Array, key: Int32Array): void;
  /** key kind (0 add, 1 sub, 2 mul, 3 div), rank, aShape[rank], bShape[rank]; b broadcasts into a */
  binary(a: Float32Array, b: Float32Array, y: Float32Array, key: Int32Array): void;
  /** key kind (0 sqrt, 1 square, 2 relu, 3 exp, 4 log, 5 abs, 6 neg), size */
  eltwise(x: Float32Array, y: Float32Array, key: Int32Array): void;
  /** tfjs's Step: 1 where x > 0, alpha elsewhere, NaN kept */
  step(x: Float32Array, y: Float32Array, alpha: number): void;
  /** softmax over the last axis of a [rows, cols] view */
  softmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /**
   * core's training-mode batch norm on channels-last data viewed as dims [outer, blocks, inner, lanes] (channel =
   * block·lanes + lane): y, and the per-channel mean and biased variance
   */
  batchNormTrain(
    x: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
    dims: Int32Array,
    eps: number,
  ): void;
  batchNormGradInput(
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    weight: Float32Array | null,
    dx: Float32Array,
    dims: Int32Array,
    eps: number,
  ): void;
  batchNormGradWeight(
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dweight: Float32Array,
    dims: Int32Array,
    eps: number,
  ): void;
  /** hyper: lr, momentum, dampening, weightDecay, nesterov, maximize (booleans as 0/1) */
  sgdUpdate(
    param: Float32Array,
    grad: Float32Array,
    momentumBuffer: Float32Array | null,
    paramOut: Float32Array,
    bufferOut: Float32Array | null,
    hyper: Float64Array,
  ): void;
  /** hyper: beta1, beta2, eps, l2, stepSize, bc2Sqrt, decay, sign (core's adamUpdateConstants) */
  adamUpdate(
    param: Float32Array,
    grad: Float32Array,
    expAvg: Float32Array,
    expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null,
    paramOut: Float32Array,
    expAvgOut: Float32Array,
    expAvgSqOut: Float32Array,
    maxExpAvgSqOut: Float32Array | null,
    hyper: Float64Array,
  ): void;
}

export interface NativeStatus {
  available: boolean;
  /** why it is not available, with what to run; 'oneDNN x.y.z' when it is */
  reason: string;
}

// src/addon.ts and dist/index.{js,cjs} both sit one level below the package root.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
// TRAINKIT_NATIVE_ADDON names another build of the same addon: `pnpm test:asan` loads its AddressSanitizer build.
const addonPath = process.env.TRAINKIT_NATIVE_ADDON || join(packageRoot, 'build', 'Release', 'trainkit_native.node');
/**
 * The command that builds the addon once its prerequisites are there (the package's build:addon script, which runs
 * scripts/install.mjs --force); scripts/addon-build.mjs says the same, a test checks they agree. Not `pnpm rebuild`:
 * pnpm 12 answers "Already up to date" for a workspace package whose install script already ran.
 */
export const NATIVE_BUILD_COMMAND = 'pnpm --filter @trainkit/backend-native run build:addon';
const REBUILD = `then ${NATIVE_BUILD_COMMAND}`;

let loaded: { addon?: NativeAddon; status: NativeStatus } | undefined;

function buildReason(): string {
  // scripts/install.mjs records why it did not build (no libdnnl-dev, no compiler …).
  try {
    const status = JSON.parse(readFileSync(join(packageRoot, 'build-status.json'), 'utf8')) as { reason?: string };
    if (status.reason && status.reason !== 'built') return status.reason;
  } catch {
    // no status file: the install script never ran (pnpm did not allow it)
  }
  return `the install script did not run — allow it in pnpm-workspace.yaml (allowBuilds), ${REBUILD}`;
}

function load(): { addon?: NativeAddon; status: NativeStatus } {
  if (process.env.TRAINKIT_DISABLE_NATIVE === '1') {
    return { status: { available: false, reason: 'disabled by TRAINKIT_DISABLE_NATIVE=1' } };
  }
  if (!existsSync(addonPath)) return { status: { available: false, reason: `addon not built: ${buildReason()}` } };
  // OpenMP reads these when libgomp loads with the addon: spinning waiters would steal the cores Node's own
  // threads (GC, I/O) need between kernels, and one thread per core is oneDNN's sweet spot.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    return { addon, status: { available: true, reason: `oneDNN ${addon.dnnlVersion}` } };
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0] ?? '';
    const hint = /libdnnl/.test(first) ? `libdnnl not found — apt-get install libdnnl-dev, ${REBUILD}` : REBUILD;
    return { status: { available: false, reason: `addon failed to load (${first}); ${hint}` } };
  }
}

/** Whether the oneDNN addon is built and loads here, and if not, why and what to run. */
export function nativeStatus(): NativeStatus {
  loaded ??= load();
  return loaded.status;
}

/** The loaded addon; throws with nativeStatus().reason when it is not available. */
export function nativeAddon(): NativeAddon {
  loaded ??= load();
  if (!loaded.addon) throw new Error(`@trainkit/backend-native: ${loaded.status.reason}`);
  return loaded.addon;
}
