import type { DataHooks } from './data-hooks.js';

/**
 * Kernel outputs in recycled memory. A fresh multi-megabyte Float32Array comes from mmap, and its pages fault in
 * (zeroed by the OS) as the primitive first writes them: ~1.5 ms per 8 MB on the development VM, over 10 ms of a CIFAR
 * training step. The native backend instead hands a disposed output's array to the next output of the same length.
 *
 * An array is reused only when nothing else can still see it: it was made here, exactly one tensor held it, and its
 * values never left the backend — readSync/read (dataSync, data, arraySync, a backend switch) hand the array itself
 * to the caller, and a kernel output that aliases it (tfjs's cpu Slice returns a subarray view) shares its memory;
 * either marks it as escaped for good, and the garbage collector frees it as before.
 */
interface Block {
  array: Float32Array;
  /** a tensor holds it now */
  attached: boolean;
  /** seen outside the backend, or held twice: never recycled */
  escaped: boolean;
}

const blocks = new WeakMap<ArrayBufferLike, Block>();
const free = new Map<number, Float32Array[]>();
let freeBytes = 0;
/** Arrays waiting for reuse are dropped to the garbage collector beyond this many bytes. */
let limitBytes = 256 * 2 ** 20;

/** Below this many floats a fresh array is as cheap as a recycled one (malloc's heap, no page faults). */
export const RECYCLE_FROM = 8192;

/** An uninitialised output of `size` floats: a recycled array when one of that length is free. */
export function takeOutput(size: number): Float32Array {
  const list = free.get(size);
  const reused = list?.pop();
  if (reused) {
    freeBytes -= size * 4;
    return reused;
  }
  const array = new Float32Array(Buffer.allocUnsafeSlow(size * 4).buffer, 0, size);
  if (size >= RECYCLE_FROM) blocks.set(array.buffer, { array, attached: false, escaped: false });
  return array;
}

/** The most bytes of disposed outputs kept for reuse (default 256 MiB); lowering it drops the excess now. */
export function setRecycleLimit(bytes: number): void {
  limitBytes = bytes;
  for (const [size, list] of free) {
    while (list.length > 0 && freeBytes > limitBytes) {
      list.pop();
      freeBytes -= size * 4;
    }
  }
}

/** Bytes and arrays waiting for reuse. */
export function recycleStats(): { bytes: number; arrays: number } {
  let arrays = 0;
  for (const list of free.values()) arrays += list.length;
  return { bytes: freeBytes, arrays };
}

function blockOf(values: unknown): Block | undefined {
  return values instanceof Float32Array ? blocks.get(values.buffer) : undefined;
}

function markEscaped(values: unknown): void {
  const block = blockOf(values);
  if (block) block.escaped = true;
}

function attach(values: unknown): void {
  const block = blockOf(values);
  if (!block) return;
  if (block.attached || values !== block.array) block.escaped = true;
  else block.attached = true;
}

function recycle(block: Block): void {
  block.attached = false;
  const size = block.array.length;
  if (block.escaped || freeBytes + size * 4 > limitBytes) return;
  const list = free.get(size);
  if (list) list.push(block.array);
  else free.set(size, [block.array]);
  freeBytes += size * 4;
}

/** The recycler's view of the backend's data (data-hooks.ts). */
export const recycleHooks: DataHooks = {
  stored: attach,
  read: (_dataId, values) => markEscaped(values),
  released: (values) => {
    const block = blockOf(values);
    if (block) recycle(block);
  },
};
