import { type nn, type Tensor, tf } from '@trainkit/core';
import { pyFixed } from '../progress/py-format.js';
import { type ColumnName, pyList, thousands } from './settings.js';

type Module = nn.Module;

/** Bytes per element of a tfjs dtype, as PyTorch's element_size for the matching torch dtype. */
export function elementSize(dtype: string): number {
  switch (dtype) {
    case 'bool':
      return 1;
    case 'complex64':
      return 8;
    case 'string':
      return 0;
    default:
      return 4;
  }
}

export function prod(values: readonly unknown[]): number {
  let r = 1;
  for (const v of values) r *= Array.isArray(v) ? prod(v) : (v as number);
  return r;
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}

/** The size of the first tensor in nested inputs or outputs, as torchinfo's nested_list_size. */
function nestedListSize(inputs: unknown): [number[], number] {
  if (isTensor(inputs)) return [inputs.shape.slice(), elementSize(inputs.dtype)];
  if (inputs instanceof Map) return nestedListSize([...inputs.values()]);
  if (Array.isArray(inputs)) return inputs.length ? nestedListSize(inputs[0]) : [[], 0];
  if (inputs !== null && typeof inputs === 'object') {
    const values = Object.values(inputs);
    return values.length ? nestedListSize(values) : [[], 0];
  }
  return [[], 0];
}

/** Per-parameter rows shown under a layer with verbose = 2: kernel shape ([in, out, ...] for weights) and count. */
export type InnerLayerRow = Partial<Record<ColumnName, string>>;

/**
 * What torchinfo records about one call of one module (torchinfo/layer_info.py): shapes seen by the forward
 * hooks, parameter counts and multiply-adds. A module called twice gives two LayerInfos, the second `isRecursive`.
 */
export class LayerInfo {
  readonly module: Module;
  readonly className: string;
  readonly varName: string;
  readonly depth: number;
  readonly parentInfo: LayerInfo | undefined;
  readonly isLeafLayer: boolean;
  readonly kernelSize: number | number[] | undefined;
  depthIndex: number | undefined;
  children: LayerInfo[] = [];
  executed = false;
  isRecursive = false;
  inputSize: unknown[] = [];
  outputSize: unknown[] = [];
  numParams = 0;
  trainableParams = 0;
  paramBytes = 0;
  outputBytes = 0;
  macs = 0;
  innerLayers = new Map<string, InnerLayerRow>();

  constructor(varName: string, module: Module, depth: number, parentInfo?: LayerInfo) {
    this.module = module;
    this.className = module.typeName;
    this.varName = varName;
    this.depth = depth;
    this.parentInfo = parentInfo;
    this.isLeafLayer = module.children().length === 0;
    this.kernelSize = LayerInfo.getKernelSize(module);
  }

  toString(): string {
    return `${this.className}: ${this.depth}`;
  }

  /** 'True' when every parameter trains, 'False' when none does, 'Partial' between, '--' without parameters. */
  get trainable(): string {
    if (this.numParams === 0) return '--';
    if (this.trainableParams === 0) return 'False';
    if (this.numParams === this.trainableParams) return 'True';
    return 'Partial';
  }

  /** Shape of the first tensor in `inputs` (args array, tensor, list or dict) and its element size in bytes. */
  static calculateSize(inputs: unknown, batchDim: number | undefined): [unknown[], number] {
    if (inputs === undefined || inputs === null) return [[], 0];
    if (isTensor(inputs)) return [inputs.shape.slice(), elementSize(inputs.dtype)];
    if (Array.isArray(inputs)) {
      const [size, bytes] = nestedListSize(inputs);
      if (batchDim !== undefined && batchDim < size.length) size[batchDim] = 1;
      return [size, bytes];
    }
    if (inputs instanceof Map || typeof inputs === 'object') {
      const values = inputs instanceof Map ? [...inputs.values()] : Object.values(inputs);
      const [size, bytes] = nestedListSize(values.at(-1));
      if (batchDim !== undefined) return [[[...size.slice(0, batchDim), 1, ...size.slice(batchDim + 1)]], bytes];
      return [size, bytes];
    }
    return [[], 0];
  }

  /** The module's kernel size as given (an int stays an int: MaxPool2d(2) shows `2`, Conv2d shows `[5, 5]`). */
  static getKernelSize(module: Module): number | number[] | undefined {
    const m = module as unknown as { kernelSize?: unknown; kernel_size?: unknown };
    const k = m.kernelSize ?? m.kernel_size;
    if (typeof k === 'number') return k;
    if (Array.isArray(k) && k.every((v) => typeof v === 'number')) return k.slice();
    return undefined;
  }

  getLayerName(showVarName: boolean, showDepth: boolean): string {
    let name = this.className;
    if (showVarName && this.varName) name += ` (${this.varName})`;
    if (showDepth && this.depth > 0) {
      name += `: ${this.depth}`;
      if (this.depthIndex !== undefined) name += `-${this.depthIndex}`;
    }
    return name;
  }

  /** Counts this module's parameters (its children's included) and prepares the verbose per-parameter rows. */
  calculateNumParams(): void {
    this.numParams = 0;
    this.paramBytes = 0;
    this.trainableParams = 0;
    this.innerLayers = new Map();
    let finalName = '';
    for (const [name, param] of this.module.namedParameters()) {
      const count = param.size;
      this.paramBytes += elementSize(param.data.dtype) * count;
      this.numParams += count;
      if (param.requiresGrad) this.trainableParams += count;
      const ksize = param.shape.slice();
      // torchinfo shows weights as [in, out, kH, kW]
      if (name === 'weight' && ksize.length > 1) [ksize[0], ksize[1]] = [ksize[1] as number, ksize[0] as number];
      if (this.parentInfo !== undefined || !name.includes('.')) {
        this.innerLayers.set(name, { kernel_size: pyList(ksize), num_params: `├─${thousands(count)}` });
        finalName = name;
      }
    }
    const last = this.innerLayers.get(finalName);
    if (last?.num_params) last.num_params = `└─${last.num_params.slice(2)}`;
  }

  /**
   * Multiply-adds for the whole batch (torchinfo's rule): each Conv parameter is used once per output position
   * (N·H_out·W_out, channels excluded), each Linear parameter once per output row (all output dims but the last),
   * other layers' parameters once per sample. Recurrent-style inner weights: once per (N, T).
   */
  calculateMacs(): void {
    for (const [name, param] of this.module.namedParameters()) {
      const count = param.size;
      if (name === 'weight' || name === 'bias') {
        if (this.className.includes('Conv')) {
          this.macs += Math.trunc(count * prod([...this.outputSize.slice(0, 1), ...this.outputSize.slice(2)]));
        } else if (this.className.includes('Linear')) {
          this.macs += Math.trunc(count * prod(this.outputSize.slice(0, -1)));
        } else {
          this.macs += ((this.outputSize[0] as number | undefined) ?? 0) * count;
        }
      } else if (name.includes('weight') || name.includes('bias')) {
        this.macs += prod(this.outputSize.slice(0, 2)) * count;
      }
    }
  }

  /** Marks a module already seen in this forward pass: shown as (recursive), not counted twice. */
  checkRecursive(layerIds: Set<Module>): void {
    if (layerIds.has(this.module)) this.isRecursive = true;
  }

  macsToStr(reachedMaxDepth: boolean): string {
    if (this.macs <= 0) return '--';
    if (this.isLeafLayer) return thousands(this.macs);
    if (reachedMaxDepth) {
      const sum = this.children.filter((c) => c.isLeafLayer).reduce((s, c) => s + c.macs, 0);
      return thousands(sum);
    }
    return '--';
  }

  numParamsToStr(reachedMaxDepth: boolean): string {
    if (this.numParams === 0) return '--';
    if (this.isRecursive) return '(recursive)';
    if (reachedMaxDepth || this.isLeafLayer) {
      const s = thousands(this.numParams);
      return this.trainableParams ? s : `(${s})`;
    }
    const leftover = this.leftoverParams();
    return leftover > 0 ? thousands(leftover) : '--';
  }

  paramsPercent(totalParams: number, reachedMaxDepth: boolean, precision = 2): string {
    const spacing = 5;
    const zero = `${' '.repeat(spacing)}--`;
    if (totalParams === 0) return zero;
    if (this.isRecursive) return '(recursive)';
    const params = reachedMaxDepth || this.isLeafLayer ? this.numParams : this.leftoverParams();
    if (params === 0) return zero;
    return `${pyFixed((params / totalParams) * 100, precision)}%`.padStart(precision + spacing);
  }

  /** Parameters this layer owns directly, not already shown on a descendant's row. */
  leftoverParams(): number {
    return this.#leftover('numParams');
  }

  leftoverTrainableParams(): number {
    return this.#leftover('trainableParams');
  }

  #leftover(attr: 'numParams' | 'trainableParams' | 'paramBytes'): number {
    let total = this[attr];
    const children = this.children;
    const seen = new Set<Module>();
    let i = 0;
    while (i < children.length) {
      const child = children[i] as LayerInfo;
      if (child.isRecursive) {
        if (!seen.has(child.module)) {
          seen.add(child.module);
          total -= child[attr];
        }
        i++;
        while (i < children.length && (children[i] as LayerInfo).depth > child.depth) i++;
        continue;
      }
      seen.add(child.module);
      total -= child.isLeafLayer ? child[attr] : child.#leftover(attr);
      i++;
    }
    return total;
  }
}

/** The rows after `index` that are nested under it (deeper, until the next row at its depth or above). */
export function getChildrenLayers(summaryList: LayerInfo[], index: number): LayerInfo[] {
  const own = summaryList[index];
  if (!own) return [];
  let n = 0;
  for (const layer of summaryList.slice(index + 1)) {
    if (layer.depth <= own.depth) break;
    n++;
  }
  return summaryList.slice(index + 1, index + 1 + n);
}
