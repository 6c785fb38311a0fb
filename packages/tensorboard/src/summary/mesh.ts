import { DataType, encodeMessage, MeshContentType, pb, type SummaryValueProto } from '../proto.js';
import type { Values } from '../tensor-like.js';
import { pythonJsonDumps } from './python-json.js';

export interface MeshParts {
  /** [batch, vertices, 3] coordinates. */
  vertices: Values;
  /** [batch, vertices, 3] RGB in [0, 255]. */
  colors?: Values;
  /** [batch, faces, 3] vertex indices of each triangle. */
  faces?: Values;
}

/**
 * tensorboardX's add_mesh: one summary value per part, in the order vertices, faces, colors, tagged
 * `<tag>_<content type>` (1, 2, 3), each a DT_FLOAT tensor with MeshPluginData (the mesh's name, the part, its
 * shape and the three.js config as Python's json.dumps(config, sort_keys=True)) for TensorBoard's Mesh tab.
 */
export function meshValues(tag: string, parts: MeshParts, config: unknown, what: string): SummaryValueProto[] {
  const jsonConfig = pythonJsonDumps(config ?? null, `${what} config`);
  const list: [Values | undefined, number, string][] = [
    [parts.vertices, MeshContentType.VERTEX, 'vertices'],
    [parts.faces, MeshContentType.FACE, 'faces'],
    [parts.colors, MeshContentType.COLOR, 'colors'],
  ];
  const batch = parts.vertices.shape[0];
  const count = parts.vertices.shape[1];
  const values: SummaryValueProto[] = [];
  for (const [v, contentType, name] of list) {
    if (!v) continue;
    const shape = v.shape;
    if (shape.length !== 3 || shape[2] !== 3) {
      throw new RangeError(`${what}: ${name} must be [batch, n, 3], got shape [${shape.join(', ')}]`);
    }
    if (shape[0] !== batch) {
      throw new RangeError(`${what}: ${name} has batch ${shape[0]}, vertices have ${batch}`);
    }
    if (contentType === MeshContentType.COLOR && shape[1] !== count) {
      throw new RangeError(`${what}: colors has ${shape[1]} per mesh, one per vertex (${count}) expected`);
    }
    const content = encodeMessage(pb.MeshPluginData, { version: 0, name: tag, contentType, jsonConfig, shape });
    values.push({
      tag: `${tag}_${contentType}`,
      tensor: {
        dtype: DataType.DT_FLOAT,
        tensorShape: { dim: shape.map((size) => ({ size })) },
        floatVal: Array.from(v.data),
      },
      metadata: { pluginData: { pluginName: 'mesh', content } },
    });
  }
  return values;
}
