import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import type { Values } from '../tensor-like.js';
import { imageProto, toHWC } from './image.js';

/** One entry of projector_config.pbtxt (tensorboard.projector.EmbeddingInfo). */
export interface EmbeddingInfo {
  tensorName: string;
  tensorPath: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
}

/** PyTorch's `_encode` of a tag into a directory name: %, / and \ become %25, %2f, %5c. */
export function encodeTag(tag: string): string {
  return tag.replaceAll('%', '%25').replaceAll('/', '%2f').replaceAll('\\', '%5c');
}

/**
 * Writes one embedding the way PyTorch's add_embedding does: `<logdir>/<step, 5 digits>/<tag>/` gets
 * tensors.tsv (one row per point), metadata.tsv (labels; a header row when there are several columns) and
 * sprite.png (the label images tiled into a square), each written atomically. Returns its config entry.
 */
export function writeEmbedding(
  logDir: string,
  mat: Values,
  opts: { metadata?: unknown[]; labelImg?: Values; globalStep: number; tag: string; metadataHeader?: string[] },
): EmbeddingInfo {
  const [rows, cols] = mat.shape;
  if (mat.shape.length !== 2 || rows === undefined || cols === undefined) {
    throw new RangeError(`addEmbedding: mat should be 2-D [points, features], got shape [${mat.shape.join(', ')}]`);
  }
  const subdir = `${String(opts.globalStep).padStart(5, '0')}/${encodeTag(opts.tag)}`;
  const dir = join(logDir, subdir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new Error(`addEmbedding: ${dir} exists and is a file, not a directory`);
  }
  mkdirSync(dir, { recursive: true });
  const info: EmbeddingInfo = {
    tensorName: `${opts.tag}:${String(opts.globalStep).padStart(5, '0')}`,
    tensorPath: `${subdir}/tensors.tsv`,
  };
  if (opts.metadata) {
    if (opts.metadata.length !== rows)
      throw new RangeError(`addEmbedding: ${opts.metadata.length} labels for ${rows} data points`);
    let lines: string[];
    if (opts.metadataHeader) {
      const header = opts.metadataHeader;
      lines = [header, ...opts.metadata].map((row, i) => {
        const cells = row as unknown[];
        if (!Array.isArray(cells) || cells.length !== header.length) {
          throw new RangeError(
            `addEmbedding: metadata row ${i - 1} should have ${header.length} columns like metadataHeader`,
          );
        }
        return cells.map(String).join('\t');
      });
    } else {
      lines = opts.metadata.map(String);
    }
    writeFileAtomic(join(dir, 'metadata.tsv'), `${lines.join('\n')}\n`);
    info.metadataPath = `${subdir}/metadata.tsv`;
  }
  if (opts.labelImg) {
    const img = opts.labelImg;
    if (img.shape.length !== 4 || img.shape[0] !== rows) {
      throw new RangeError(`addEmbedding: labelImg should be [${rows}, C, H, W], got [${img.shape.join(', ')}]`);
    }
    writeFileAtomic(join(dir, 'sprite.png'), spritePng(img));
    info.sprite = { imagePath: `${subdir}/sprite.png`, singleImageDim: [img.shape[3]!, img.shape[2]!] };
  }
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(String(mat.data[r * cols + c]));
    lines.push(row.join('\t'));
  }
  writeFileAtomic(join(dir, 'tensors.tsv'), `${lines.join('\n')}\n`);
  return info;
}

/** Label images in a ceil(sqrt(N))-wide grid on a square black canvas, as the projector expects. */
function spritePng(img: Values): Uint8Array {
  const n = img.shape[0]!;
  const [h, w] = [img.shape[2]!, img.shape[3]!];
  const perRow = Math.ceil(Math.sqrt(n));
  const grid = toHWC(img, 'NCHW', 'addEmbedding labelImg');
  // toHWC tiles 8 per row; re-tile to perRow per row on a square canvas.
  const side = perRow * w;
  const canvas = new Uint8Array(side * side * 3);
  const gridCols = Math.min(n, 8);
  for (let i = 0; i < n; i++) {
    const [gy, gx] = [Math.floor(i / gridCols) * h, (i % gridCols) * w];
    const [cy, cx] = [Math.floor(i / perRow) * h, (i % perRow) * w];
    for (let y = 0; y < h; y++) {
      if (cy + y >= side) break;
      for (let x = 0; x < w; x++) {
        const src = ((gy + y) * grid.width + gx + x) * grid.channels;
        const dst = ((cy + y) * side + cx + x) * 3;
        canvas[dst] = grid.data[src]!;
        canvas[dst + 1] = grid.data[src + 1]!;
        canvas[dst + 2] = grid.data[src + 2]!;
      }
    }
  }
  return imageProto({ data: canvas, height: side, width: side, channels: 3 }).encodedImageString!;
}

/** projector_config.pbtxt in protobuf text format (fields in number order, strings C-escaped). */
export function projectorConfigText(embeddings: EmbeddingInfo[]): string {
  const q = (s: string): string => `"${cEscape(s)}"`;
  let out = '';
  for (const e of embeddings) {
    out += 'embeddings {\n';
    out += `  tensor_name: ${q(e.tensorName)}\n`;
    if (e.metadataPath) out += `  metadata_path: ${q(e.metadataPath)}\n`;
    if (e.sprite) {
      out += `  sprite {\n    image_path: ${q(e.sprite.imagePath)}\n`;
      for (const d of e.sprite.singleImageDim) out += `    single_image_dim: ${d}\n`;
      out += '  }\n';
    }
    out += `  tensor_path: ${q(e.tensorPath)}\n`;
    out += '}\n';
  }
  return out;
}

function cEscape(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}
