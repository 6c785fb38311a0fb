/**
 * What the native backend knows of the Float32Arrays behind its tensors, beyond what tfjs's cpu store holds:
 *
 * - **Channel block** of the contents. A convolution computes in oneDNN's aBcd16b ([N][C/16][H][W][16]; aBcd8b on
 *   AVX2): reordering its input from tfjs's NHWC and its output back cost ~6 ms of a 34 ms CIFAR training step. So
 *   a native convolution, pool or their gradients may leave its output blocked, and the next native kernel that
 *   reads the block reads it as is. Everything else sees NHWC: a kernel that does not handle blocked inputs,
 *   readSync/read, and a reshape (which would reinterpret the order) bring the buffer back in place first (toPlain).
 *   Only a 4-D tensor whose channels fill whole blocks is blocked, so the buffer has the size tfjs expects.
 * - **Version** of the contents, so that the addon reorders a convolution's weights into oneDNN's layout once per
 *   content rather than on every call (an evaluation loop runs the same weights batch after batch). A version names
 *   the contents from the moment a native kernel first asks until they could change: tfjs tensors are immutable,
 *   but a buffer is reused (recycled), handed to the caller (readSync/read return it itself, and callers may write
 *   into it) or written anew (write/move).
 * - **Recycling.** A fresh multi-megabyte Float32Array comes from mmap, and its pages fault in (zeroed by the OS) as
 *   the primitive first writes them: ~1.5 ms per 8 MB on the development VM, over 10 ms of a CIFAR training step. So
 *   a disposed output's array goes to the next output of the same length, if nothing else can still see it: it was
 *   made here (take), exactly one tensor held it (attached), and its values never left the backend — readSync/read
 *   hand the array itself to the caller, and a tensor on a view of its memory (tfjs's cpu Slice returns subarrays)
 *   shares it; either marks it escaped for good, and the garbage collector frees it as before.
 *
 * A record is keyed by its array: a tensor's identity (dataId) is not its memory's, since a recycled array passes from
 * one dataId to the next and a kernel sets an output's block before the output has a dataId. An array made here
 * spans its whole ArrayBuffer and is keyed by that too, so that a view of its memory finds it.
 */
interface BufferRecord {
  /** 0 for NHWC (or any plain layout), 8 or 16 for aBcd8b / aBcd16b */
  block: number;
  /** of the present contents; 0 until a native kernel asks */
  version: number;
  /** made by take(), so it can be reused once released */
  recyclable: boolean;
  /** a tensor holds it now */
  attached: boolean;
  /** seen outside the backend, or held twice: never reused */
  escaped: boolean;
  /** a transpose's output not computed yet (defer) */
  pending: { fill: () => void; source: BufferRecord } | undefined;
  /** deferred outputs that still have to read this buffer: released, it is not reused */
  pins: number;
}

/** The addon's strided copy, which brings a buffer into and out of a channel-blocked layout. */
export interface Transposer {
  transpose(x: Float32Array, y: Float32Array, key: Int32Array): void;
}

/** Below this many floats a fresh array is as cheap as a recycled one (malloc's heap, no page faults). */
export const RECYCLE_FROM = 8192;

export class BufferStore {
  readonly #records = new WeakMap<object, BufferRecord>();
  /** released arrays by length, waiting for take() */
  readonly #free = new Map<number, Float32Array[]>();
  #freeBytes = 0;
  #limitBytes = 256 * 2 ** 20;
  #nextVersion = 1;
  readonly #addon: Transposer;

  constructor(addon: Transposer) {
    this.#addon = addon;
  }

  #record(values: Float32Array): BufferRecord {
    let record = this.#records.get(values);
    if (!record) {
      record = {
        block: 0,
        version: 0,
        recyclable: false,
        attached: false,
        escaped: false,
        pending: undefined,
        pins: 0,
      };
      this.#records.set(values, record);
    }
    return record;
  }

  /** The record of the array made here whose memory `values` is, or is a view of. */
  #owner(values: unknown): BufferRecord | undefined {
    return ArrayBuffer.isView(values) ? this.#records.get(values.buffer) : undefined;
  }

  /** An uninitialised output of `size` floats, plain: a released array of that length when one is free. */
  take(size: number): Float32Array {
    const reused = this.#free.get(size)?.pop();
    if (reused) {
      this.#freeBytes -= size * 4;
      this.#record(reused).block = 0;
      return reused;
    }
    const array = new Float32Array(Buffer.allocUnsafeSlow(size * 4).buffer, 0, size);
    if (size >= RECYCLE_FROM) {
      const record = this.#record(array);
      record.recyclable = true;
      this.#records.set(array.buffer, record);
    }
    return array;
  }

  /** `values` now backs a tensor (a kernel output, tf.tensor data, a backend switch: write / move). */
  stored(values: unknown): void {
    const owner = this.#owner(values);
    if (owner?.recyclable) {
      if (owner.attached || this.#records.get(values as Float32Array) !== owner) owner.escaped = true;
      else owner.attached = true;
    }
    this.#forgetVersion(values);
  }

  /** `values` is about to be handed to the caller (readSync / read: dataSync, data, array …), already plain. */
  handedOut(values: unknown): void {
    const owner = this.#owner(values);
    if (owner) owner.escaped = true;
    this.#forgetVersion(values);
  }

  /** The last tensor on `values` was disposed: an array made here goes back to the free lists if it can. */
  released(values: unknown): void {
    const record = values instanceof Float32Array ? this.#records.get(values) : undefined;
    if (record?.pending) {
      record.pending.source.pins--;
      record.pending = undefined;
    }
    const owner = this.#owner(values);
    // a view's release leaves its memory's owner alone (the view made it escape when it was stored)
    if (!owner?.recyclable || this.#records.get(values as Float32Array) !== owner) return;
    owner.attached = false;
    const array = values as Float32Array;
    const bytes = array.length * 4;
    if (owner.escaped || owner.pins > 0 || this.#freeBytes + bytes > this.#limitBytes) return;
    const list = this.#free.get(array.length);
    if (list) list.push(array);
    else this.#free.set(array.length, [array]);
    this.#freeBytes += bytes;
  }

  /** The most bytes of released arrays kept for reuse (default 256 MiB); lowering it drops the excess now. */
  setRecycleLimit(bytes: number): void {
    this.#limitBytes = bytes;
    for (const [size, list] of this.#free) {
      while (list.length > 0 && this.#freeBytes > this.#limitBytes) {
        list.pop();
        this.#freeBytes -= size * 4;
      }
    }
  }

  /** Bytes and arrays waiting for reuse. */
  recycleStats(): { bytes: number; arrays: number } {
    let arrays = 0;
    for (const list of this.#free.values()) arrays += list.length;
    return { bytes: this.#freeBytes, arrays };
  }

  /** The version of `values`' present contents (never 0, which the addon takes as "do not cache"). */
  versionOf(values: Float32Array): number {
    const record = this.#record(values);
    if (record.version === 0) record.version = this.#nextVersion++;
    return record.version;
  }

  #forgetVersion(values: unknown): void {
    const record = values instanceof Float32Array ? this.#records.get(values) : undefined;
    if (record) record.version = 0;
  }

  /** The channel block of a buffer: 0 for NHWC (or any plain layout), 8 or 16 for aBcd8b / aBcd16b. */
  blockOf(values: Float32Array): number {
    return this.#records.get(values)?.block ?? 0;
  }

  /** Marks `values` as holding its 4-D tensor channel-blocked by `block` (0: plain). */
  setBlock(values: Float32Array, block: number): void {
    if (block !== 0 || this.#records.has(values)) this.#record(values).block = block;
  }

  /**
   * `values` is the output of a transpose of `source` that is computed (`fill`) only when something reads it
   * (resolve). Between two NHWC layers an NCHW activation is made only to be transposed back, and core's
   * transpose elision hands that transpose `source` itself: the copy is then never made. `source` must hold its
   * contents until then, so it is pinned: released meanwhile, it is not reused.
   */
  defer(values: Float32Array, source: Float32Array, fill: () => void): void {
    const pinned = this.#record(source);
    pinned.pins++;
    this.#record(values).pending = { fill, source: pinned };
  }

  /** Computes a deferred output now (every read of a buffer comes here first: toPlain, floatsAnyLayout, readSync). */
  resolve(values: Float32Array): void {
    const record = this.#records.get(values);
    const pending = record?.pending;
    if (!pending) return;
    record.pending = undefined;
    pending.fill();
    pending.source.pins--;
  }

  /** Brings a blocked buffer of the NHWC tensor `shape` back to NHWC, in place; a plain one is left alone. */
  toPlain(values: Float32Array, shape: readonly number[]): void {
    this.resolve(values);
    const block = this.blockOf(values);
    if (!block) return;
    const [n, h, w, c] = shape as [number, number, number, number];
    if (shape.length !== 4 || c % block !== 0) {
      throw new Error(`@trainkit/backend-native: a ${block}-channel-blocked buffer for shape [${shape}]`);
    }
    const plain = new Float32Array(values.length);
    // [N][C/b][H·W][b] → [N][H·W][C/b][b]
    this.#addon.transpose(values, plain, Int32Array.of(4, n, c / block, h * w, block, 0, 2, 1, 3));
    values.set(plain);
    this.setBlock(values, 0);
  }

  /** A channel-blocked copy of the NHWC buffer `values` of 4-D `shape` (whose channels fill whole blocks). */
  blockedCopy(values: Float32Array, shape: readonly number[], block: number): Float32Array {
    const [n, h, w, c] = shape as [number, number, number, number];
    const blocked = new Float32Array(values.length);
    // [N][H·W][C/b][b] → [N][C/b][H·W][b]
    this.#addon.transpose(values, blocked, Int32Array.of(4, n, h * w, c / block, block, 0, 2, 1, 3));
    this.setBlock(blocked, block);
    return blocked;
  }
}
