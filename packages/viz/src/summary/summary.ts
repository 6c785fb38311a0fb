import { type DataType, type nn, noGrad, type Tensor, tf } from '@trainkit/core';
import { FormattingOptions } from './formatting-options.js';
import { elementSize, getChildrenLayers, LayerInfo, prod } from './layer-info.js';
import { ModelStatistics } from './model-statistics.js';
import { COLUMN_NAMES, type ColumnName, type Mode, ROW_SETTINGS, type RowSetting, type Verbosity } from './settings.js';

type Module = nn.Module;

export interface SummaryOptions {
  /** Input shape(s), batch included unless batchDim is given: [64, 3, 32, 32], or [[1, 300], [1, 300]]. */
  inputSize?: readonly number[] | readonly (readonly number[])[];
  /** The forward arguments themselves instead of shapes: a tensor or an array of arguments. */
  inputData?: Tensor | readonly unknown[];
  /** Arguments passed after the inputs (torchinfo's **kwargs). */
  forwardArgs?: readonly unknown[];
  /** inputSize lacks the batch dimension: it is inserted here with size 1 (a cheaper forward pass). */
  batchDim?: number;
  /** Columns after the layer name; default output_size and num_params (num_params alone without input). */
  colNames?: readonly ColumnName[];
  /** Width of each column (default 25). */
  colWidth?: number;
  /** Deepest nesting shown (default 3); deeper layers still count in the totals. */
  depth?: number;
  /** dtype of each inputSize tensor (default float32). */
  dtypes?: readonly DataType[];
  /** Mode for the pass (default 'eval'); each module's own mode is restored afterwards. */
  mode?: Mode;
  /** Default ['depth']. */
  rowSettings?: readonly RowSetting[];
  /** 0 (default): only return the statistics; 1: also print them; 2: print with per-parameter rows. */
  verbose?: Verbosity;
}

const REQUIRES_INPUT: ReadonlySet<ColumnName> = new Set(['input_size', 'output_size', 'mult_adds']);

/**
 * A torchinfo-style summary of a model (torchinfo 1.8 `summary`): one forward pass under noGrad, with forward
 * pre-hooks and hooks on every module recording input and output shapes, parameter counts, kernel shapes and
 * multiply-adds, and the memory estimates. `String(summary(model, { inputSize: [64, 3, 32, 32] }))` is the table.
 * Without inputSize/inputData no forward pass is run and only parameter counts are shown.
 */
export function summary(model: Module, options: SummaryOptions = {}): ModelStatistics {
  const { inputSize, inputData, batchDim, colWidth = 25, depth = 3, mode = 'eval', verbose = 0 } = options;
  const inputGiven = inputSize !== undefined || inputData !== undefined;
  const columns =
    options.colNames ?? (inputGiven ? (['output_size', 'num_params'] as const) : (['num_params'] as const));
  for (const c of columns) {
    if (!COLUMN_NAMES.includes(c))
      throw new Error(`summary: unknown column '${c}', expected one of ${COLUMN_NAMES.join(', ')}`);
  }
  const rows = new Set<RowSetting>(options.rowSettings ?? ['depth']);
  for (const r of rows) {
    if (!ROW_SETTINGS.includes(r))
      throw new Error(`summary: unknown row setting '${r}', expected one of ${ROW_SETTINGS.join(', ')}`);
  }
  if (mode !== 'train' && mode !== 'eval') throw new Error(`summary: mode must be 'train' or 'eval', got '${mode}'`);
  if (!(colWidth > 0)) throw new Error(`summary: colWidth must be greater than 0, got ${colWidth}`);
  if (verbose !== 0 && verbose !== 1 && verbose !== 2)
    throw new Error(`summary: verbose must be 0, 1 or 2, got ${verbose}`);
  if (inputSize !== undefined && inputData !== undefined) {
    throw new Error('summary: give only one of inputSize and inputData');
  }
  const needsInput = columns.filter((c) => REQUIRES_INPUT.has(c));
  if (!inputGiven && needsInput.length > 0) {
    throw new Error(`summary: columns ${needsInput.join(', ')} need inputSize or inputData`);
  }

  let sizes: number[][] = [];
  let makeInputs: () => unknown[] = () => [];
  let totalInput = 0;
  if (inputData !== undefined) {
    const args: unknown[] = inputData instanceof tf.Tensor ? [inputData] : [...inputData];
    sizes = tensorsIn(args).map((t) => t.shape.slice());
    totalInput = tensorsIn(args).reduce((s, t) => s + t.size * elementSize(t.dtype), 0);
    makeInputs = () => args;
  } else if (inputSize !== undefined) {
    sizes = correctInputSizes(inputSize);
    const dtypes = options.dtypes ?? sizes.map(() => 'float32' as DataType);
    if (dtypes.length !== sizes.length) {
      throw new Error(`summary: ${sizes.length} input sizes but ${dtypes.length} dtypes`);
    }
    const shapes = sizes.map((s) => (batchDim === undefined ? s : [...s.slice(0, batchDim), 1, ...s.slice(batchDim)]));
    totalInput = shapes.reduce((s, shape, i) => s + prod(shape) * elementSize(dtypes[i] ?? 'float32'), 0);
    makeInputs = () =>
      shapes.map((shape, i) => {
        const dtype = dtypes[i] ?? 'float32';
        // torch.rand then .type(dtype), as torchinfo: uniform floats, integer inputs come out as zeros
        const x = tf.randomUniform(shape, 0, 1, 'float32');
        return dtype === 'float32' ? x : tf.cast(x, dtype);
      });
  }

  const summaryList = forwardPass(
    model,
    inputGiven ? makeInputs : undefined,
    batchDim,
    mode,
    options.forwardArgs ?? [],
  );
  const formatting = new FormattingOptions(depth, verbose, columns, colWidth, rows);
  const results = new ModelStatistics(summaryList, sizes, totalInput, formatting);
  if (verbose > 0) console.log(results.toString());
  return results;
}

function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof tf.Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(tensorsIn);
  if (value instanceof Map) return [...value.values()].flatMap(tensorsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(tensorsIn);
  return [];
}

function correctInputSizes(inputSize: readonly number[] | readonly (readonly number[])[]): number[][] {
  if (!Array.isArray(inputSize) || inputSize.length === 0) {
    throw new TypeError('summary: inputSize must be a shape like [64, 3, 32, 32] or a list of shapes');
  }
  const sizes = typeof inputSize[0] === 'number' ? [inputSize as number[]] : (inputSize as number[][]);
  for (const s of sizes) {
    if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`summary: input sizes must be positive integers, got [${String(s)}]`);
    }
  }
  return sizes.map((s) => s.slice());
}

function forwardPass(
  model: Module,
  makeInputs: (() => unknown[]) | undefined,
  batchDim: number | undefined,
  mode: Mode,
  forwardArgs: readonly unknown[],
): LayerInfo[] {
  const { summaryList, handles } = applyHooks(model, makeInputs !== undefined, batchDim);
  if (!makeInputs) {
    setChildrenLayers(summaryList);
    return summaryList;
  }
  const modules = model.modules();
  const savedModes = modules.map((m) => m.training);
  try {
    model.train(mode === 'train');
    noGrad(() => {
      const inputs = makeInputs();
      (model.call as (...a: unknown[]) => unknown).call(model, ...inputs, ...forwardArgs);
    });
  } catch (err) {
    const executed = summaryList.filter((l) => l.executed).map(String);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`summary: the forward pass failed: ${why}\nExecuted layers up to: [${executed.join(', ')}]`, {
      cause: err,
    });
  } finally {
    for (const h of handles) h.remove();
    modules.forEach((m, i) => {
      m.training = savedModes[i] ?? m.training;
    });
  }
  addMissingContainerLayers(summaryList);
  setChildrenLayers(summaryList);
  return summaryList;
}

/**
 * Registers a pre-hook (a new LayerInfo row per call) and a hook (shapes, macs) on every module, depth-first in
 * child order. Without input the rows are created straight away from the module tree.
 */
function applyHooks(
  model: Module,
  withInput: boolean,
  batchDim: number | undefined,
): { summaryList: LayerInfo[]; handles: nn.RemovableHandle[] } {
  const summaryList: LayerInfo[] = [];
  const layerIds = new Set<Module>();
  const globalLayerInfo = new Map<Module, LayerInfo>();
  const hooks = new Map<Module, [nn.RemovableHandle, nn.RemovableHandle]>();
  const stack: [string, Module, number, LayerInfo | undefined][] = [[model.typeName, model, 0, undefined]];
  while (stack.length > 0) {
    const [varName, module, depth, parentInfo] = stack.pop() as [string, Module, number, LayerInfo | undefined];
    // Fallback row used as the parent of the children, and inserted if the module's own hooks never fire
    // (a ModuleList is never called itself).
    globalLayerInfo.set(module, new LayerInfo(varName, module, depth, parentInfo));
    const preHook = (m: Module) => {
      const info = new LayerInfo(varName, m, depth, parentInfo);
      info.calculateNumParams();
      info.checkRecursive(layerIds);
      summaryList.push(info);
      layerIds.add(m);
      globalLayerInfo.set(m, info);
      return undefined;
    };
    if (!withInput) preHook(module);
    else {
      // A module reachable twice keeps the hooks of its last position in the tree.
      for (const h of hooks.get(module) ?? []) h.remove();
      const hook = (m: Module, inputs: unknown[], outputs: unknown) => {
        const info = globalLayerInfo.get(m);
        if (!info) return undefined;
        info.inputSize = LayerInfo.calculateSize(inputs, batchDim)[0];
        const [outSize, elemBytes] = LayerInfo.calculateSize(outputs, batchDim);
        info.outputSize = outSize;
        info.outputBytes = elemBytes * prod(outSize);
        info.executed = true;
        info.calculateMacs();
        return undefined;
      };
      hooks.set(module, [module.registerForwardPreHook(preHook), module.registerForwardHook(hook)]);
    }
    const parent = globalLayerInfo.get(module);
    const children = module.namedChildren();
    for (let i = children.length - 1; i >= 0; i--) {
      const [name, child] = children[i] as [string, Module];
      stack.push([name, child, depth + 1, parent]);
    }
  }
  return { summaryList, handles: [...hooks.values()].flat() };
}

/** Inserts rows for containers whose children ran but which were not called themselves (torchinfo's rule). */
function addMissingContainerLayers(summaryList: LayerInfo[]): void {
  const layerIds = new Set(summaryList.map((l) => l.module));
  const current = new Map<number, LayerInfo>();
  // The list grows while it is walked, as in torchinfo: a row pushed down by an insertion is visited again.
  for (let idx = 0; idx < summaryList.length; idx++) {
    const info = summaryList[idx] as LayerInfo;
    let rel = 0;
    const hierarchy = new Map<number, LayerInfo>();
    let parent = info.parentInfo;
    while (parent !== undefined && parent.depth > 0) {
      hierarchy.set(parent.depth, parent);
      parent = parent.parentInfo;
    }
    for (let d = 1; d < info.depth; d++) {
      const h = hierarchy.get(d);
      if (!h) continue;
      const cur = current.get(d);
      if ((cur === undefined || cur.module !== h.module) && h !== summaryList.at(idx + rel - 1)) {
        h.calculateNumParams();
        h.checkRecursive(layerIds);
        summaryList.splice(idx + rel, 0, h);
        layerIds.add(h.module);
        current.set(d, h);
        rel++;
      }
    }
    current.set(info.depth, info);
    for (let d = info.depth + 1; current.has(d); d++) current.delete(d);
  }
}

/** Numbers rows per depth (the `1-3` in `Conv2d: 1-3`) and links each row to the rows nested under it. */
function setChildrenLayers(summaryList: LayerInfo[]): void {
  const idx = new Map<number, number>();
  summaryList.forEach((layer, i) => {
    const next = (idx.get(layer.depth) ?? 0) + 1;
    idx.set(layer.depth, next);
    layer.depthIndex = next;
    layer.children = getChildrenLayers(summaryList, i);
  });
}
