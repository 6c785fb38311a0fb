import type { AttrValueProto, GraphDefProto, NodeDefProto } from '../proto.js';

/**
 * One node of a model graph as the Graphs tab shows it. `name` is '/'-separated: every prefix is a name scope
 * (a collapsible box), so module paths become nested boxes.
 */
export interface GraphNode {
  name: string;
  /** The op type shown on the node, e.g. 'Conv2d', 'Parameter', 'IO Node'. */
  op: string;
  /** Names of the nodes whose outputs this node consumes. */
  inputs?: string[];
  /** Output shape(s); null or -1 marks an unknown dimension (the batch of a Keras model). */
  outputShape?: readonly (number | null)[] | readonly (readonly (number | null)[])[];
  /** Extra attributes shown in the node's info card. */
  attrs?: Record<string, string | number | boolean>;
  device?: string;
}

export interface GraphTrace {
  nodes: GraphNode[];
}

/** A model that describes its own graph for given inputs; @trainkit/core or any library may implement it. */
export interface GraphSource {
  toGraph(...inputs: unknown[]): GraphTrace;
}

/**
 * What addGraph needs from a module tree to trace it through forward hooks, as PyTorch's tracer does with JIT:
 * @trainkit/core's Module has all of it. Layers must call their children through `call` (or anything that runs
 * forward hooks) for the children to appear.
 */
export interface HookableModule {
  namedModules(): [string, HookableModule][];
  registerForwardHook(hook: (module: HookableModule, inputs: unknown[], output: unknown) => unknown): {
    remove(): void;
  };
  forward(...inputs: never[]): unknown;
  call?(...inputs: never[]): unknown;
  readonly typeName?: string;
  extraRepr?(): string;
  ownParameters?(): [string, { readonly shape: readonly number[] }][];
  training?: boolean;
  train?(mode?: boolean): unknown;
  /**
   * Runs `pass`, the tracing forward pass, recording no gradient and freeing every tensor made during it when it
   * returns or throws (on tfjs: noGrad or tf.tidy around `pass`). Without it addGraph can free only the
   * tensors modules return; one made between module calls (F.relu in a custom forward) would stay allocated.
   */
  traceScope?(pass: () => void): void;
}

/** The parts of a tfjs LayersModel that addGraph reads. */
export interface LayersModelLike {
  readonly name: string;
  readonly layers: readonly LayerLike[];
}

export interface LayerLike {
  readonly name: string;
  getClassName(): string;
  readonly outputShape?: unknown;
  readonly inboundNodes?: readonly { readonly inboundLayers?: readonly { readonly name: string }[] }[];
  readonly weights?: readonly { readonly name: string; readonly shape: readonly (number | null)[] }[];
}

export type GraphModel = GraphSource | HookableModule | LayersModelLike | GraphTrace;

const isFn = (x: unknown, key: string): boolean =>
  typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>)[key] === 'function';

/** Builds the node list for any accepted model; `inputs` are passed to the model's forward / toGraph. */
export function traceGraph(model: GraphModel, inputs: unknown[]): GraphTrace {
  if (isFn(model, 'toGraph')) return (model as GraphSource).toGraph(...inputs);
  if (isFn(model, 'namedModules') && isFn(model, 'registerForwardHook'))
    return traceModule(model as HookableModule, inputs);
  if (typeof model === 'object' && model !== null && Array.isArray((model as LayersModelLike).layers)) {
    return traceLayersModel(model as LayersModelLike);
  }
  if (typeof model === 'object' && model !== null && Array.isArray((model as GraphTrace).nodes))
    return model as GraphTrace;
  throw new TypeError(
    'addGraph: expected a GraphSource (toGraph), a module with namedModules() and registerForwardHook(), a tfjs LayersModel (layers) or { nodes }',
  );
}

const typeNameOf = (m: HookableModule): string => m.typeName ?? m.constructor?.name ?? 'Module';

function shapeOf(x: unknown): readonly number[] | undefined {
  const s = (x as { shape?: unknown } | null)?.shape;
  return Array.isArray(s) ? (s as number[]) : undefined;
}

function tensorsIn(x: unknown): object[] {
  if (Array.isArray(x)) return x.flatMap(tensorsIn);
  return typeof x === 'object' && x !== null && shapeOf(x) ? [x] : [];
}

/**
 * Traces a module tree: runs forward once in eval mode with forward hooks on every module. Each leaf module call
 * becomes a node named by its module path (`Sequential/Conv2d[0]/Conv2d`, PyTorch's `Type[attr]` scopes), its
 * parameters become 'Parameter' nodes in the same scope, and edges follow the tensors: a call's input is linked to
 * the call that returned that very tensor object. Tensors made by plain functions between modules (an activation
 * applied in a custom forward) were returned by nobody we saw; they are linked to the latest call instead.
 * The pass runs inside the model's traceScope when it has one, which frees all its tensors.
 */
function traceModule(root: HookableModule, inputs: unknown[]): GraphTrace {
  const named = root.namedModules();
  const pathOf = new Map<HookableModule, string>();
  const byPath = new Map<string, HookableModule>();
  for (const [path, m] of named) {
    pathOf.set(m, path);
    byPath.set(path, m);
  }
  const isLeaf = (path: string): boolean =>
    !named.some(([p]) => p !== path && (path === '' ? p !== '' : p.startsWith(`${path}.`)));
  const rootScope = typeNameOf(root);
  const scopeOf = (path: string): string => {
    if (path === '') return rootScope;
    const parts = path.split('.');
    return [
      rootScope,
      ...parts.map((part, i) => `${typeNameOf(byPath.get(parts.slice(0, i + 1).join('.'))!)}[${part}]`),
    ].join('/');
  };

  const nodes: GraphNode[] = [];
  const producer = new Map<object, string>();
  const used = new Set<string>();
  const unique = (name: string): string => {
    let out = name;
    for (let i = 1; used.has(out); i++) out = `${name}_${i}`;
    used.add(out);
    return out;
  };
  const inputTensors = new Set<object>();
  inputs.flatMap(tensorsIn).forEach((t, i) => {
    const name = unique(`input/input.${i}`);
    nodes.push({ name, op: 'IO Node', outputShape: shapeOf(t) ?? [] });
    producer.set(t, name);
    inputTensors.add(t);
  });
  let latest = nodes.at(-1)?.name;
  const produced: object[] = [];

  const hooks = named
    .filter(([path]) => isLeaf(path))
    .map(([path, m]) =>
      m.registerForwardHook((mod, args, output) => {
        const scope = scopeOf(pathOf.get(mod) ?? path);
        const ins: string[] = [];
        for (const t of args.flatMap(tensorsIn)) {
          const from = producer.get(t) ?? latest;
          if (from !== undefined && !ins.includes(from)) ins.push(from);
        }
        for (const [pname, p] of mod.ownParameters?.() ?? []) {
          const pnode = unique(`${scope}/${pname}`);
          nodes.push({ name: pnode, op: 'Parameter', outputShape: [...p.shape] });
          ins.push(pnode);
        }
        const outs = tensorsIn(output);
        const name = unique(`${scope}/${typeNameOf(mod)}`);
        const repr = mod.extraRepr?.() ?? '';
        nodes.push({
          name,
          op: typeNameOf(mod),
          inputs: ins,
          outputShape: outs.length === 1 ? shapeOf(outs[0]) : outs.map((o) => shapeOf(o) ?? []),
          ...(repr ? { attrs: { attr: repr } } : {}),
        });
        for (const o of outs) {
          producer.set(o, name);
          produced.push(o);
        }
        latest = name;
        return undefined;
      }),
    );
  const scoped = typeof root.traceScope === 'function';
  const pass = (): void => {
    const run = (root.call ?? root.forward) as (...a: unknown[]) => unknown;
    const result = run.apply(root, inputs);
    tensorsIn(result).forEach((t, i) => {
      const from = producer.get(t) ?? latest;
      nodes.push({
        name: unique(`output/output.${i}`),
        op: 'IO Node',
        inputs: from ? [from] : [],
        outputShape: shapeOf(t) ?? [],
      });
    });
    if (scoped) return;
    // No scope: free the tensors we saw modules return (never the caller's inputs); others cannot be reached.
    const freed = new Set<object>();
    for (const t of [...produced, ...tensorsIn(result)]) {
      if (inputTensors.has(t) || freed.has(t)) continue;
      freed.add(t);
      (t as { dispose?: () => void }).dispose?.();
    }
  };
  const wasTraining = root.training;
  if (typeof root.train === 'function') root.train(false);
  try {
    // The model's scope frees everything the pass makes, whatever its forward does: leak-free by construction.
    if (scoped) root.traceScope!(pass);
    else pass();
  } finally {
    for (const h of hooks) h.remove();
    if (typeof root.train === 'function' && wasTraining !== undefined) root.train(wasTraining);
  }
  return { nodes };
}

/** A tfjs LayersModel: one scope per layer holding its op node and its weights; edges from inbound nodes. */
function traceLayersModel(model: LayersModelLike): GraphTrace {
  const nodes: GraphNode[] = [];
  const opName = new Map<string, string>();
  for (const layer of model.layers) opName.set(layer.name, `${model.name}/${layer.name}/${layer.getClassName()}`);
  for (const layer of model.layers) {
    const scope = `${model.name}/${layer.name}`;
    const inputs: string[] = [];
    for (const node of layer.inboundNodes ?? []) {
      for (const l of node.inboundLayers ?? []) {
        const from = opName.get(l.name);
        if (from && !inputs.includes(from)) inputs.push(from);
      }
    }
    for (const w of layer.weights ?? []) {
      const short = w.name.split('/').at(-1)!.replace(/:\d+$/, '');
      const name = `${scope}/${short}`;
      nodes.push({ name, op: 'Parameter', outputShape: [...w.shape] });
      inputs.push(name);
    }
    const cls = layer.getClassName();
    nodes.push({
      name: opName.get(layer.name)!,
      op: cls === 'InputLayer' ? 'IO Node' : cls,
      inputs,
      outputShape: layer.outputShape as GraphNode['outputShape'],
    });
  }
  return { nodes };
}

const utf8 = new TextEncoder();

function toShapes(shape: GraphNode['outputShape']): (readonly (number | null)[])[] {
  if (!shape) return [];
  if (shape.length > 0 && Array.isArray(shape[0])) return shape as (readonly (number | null)[])[];
  return [shape as readonly (number | null)[]];
}

/** GraphDef with `_output_shapes` list attributes, as PyTorch's exporter writes (VersionDef producer 22). */
export function toGraphDef(trace: GraphTrace): GraphDefProto {
  const names = new Set(trace.nodes.map((n) => n.name));
  const node: NodeDefProto[] = trace.nodes.map((n) => {
    for (const i of n.inputs ?? []) {
      if (!names.has(i))
        throw new RangeError(`addGraph: node '${n.name}' has input '${i}', which is no node of the graph`);
    }
    const attr: Record<string, AttrValueProto> = {};
    const shapes = toShapes(n.outputShape);
    if (shapes.length > 0) {
      attr._output_shapes = { list: { shape: shapes.map((s) => ({ dim: s.map((d) => ({ size: d ?? -1 })) })) } };
    }
    for (const [k, v] of Object.entries(n.attrs ?? {})) {
      attr[k] =
        typeof v === 'string'
          ? { s: utf8.encode(v) }
          : typeof v === 'boolean'
            ? { b: v }
            : Number.isInteger(v)
              ? { i: v }
              : { f: v };
    }
    return { name: n.name, op: n.op, input: n.inputs ?? [], ...(n.device ? { device: n.device } : {}), attr };
  });
  return { node, versions: { producer: 22 } };
}
