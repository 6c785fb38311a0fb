import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { gfile } from './storage/gfile.js';
import { parseTextProto, TextFormatError, type TextProtoMessage, type TextProtoValue } from './text-format.js';

/** The name of the Projector's configuration in a run directory (what SummaryWriter.addEmbedding writes). */
export const PROJECTOR_CONFIG = 'projector_config.pbtxt';

/** One embedding of a projector_config.pbtxt (tensorboard.EmbeddingInfo); paths as written, relative to its run. */
export interface ProjectorEmbedding {
  tensorName: string;
  /** tensors.tsv, one row per point; absent when the tensor lives in a model checkpoint. */
  tensorPath?: string;
  metadataPath?: string;
  bookmarksPath?: string;
  /** [points, dimensions] when the config declares it. */
  tensorShape?: number[];
  sprite?: { imagePath: string; singleImageDim: number[] };
}

/** A projector_config.pbtxt that could not be parsed; the run's other data is still read. */
export interface ProjectorConfigIssue {
  kind: 'bad-projector-config';
  file: string;
  /** Where the syntax error is, 1-based. */
  line: number;
  column: number;
  message: string;
}

const str = (v: TextProtoValue[] | undefined): string | undefined =>
  typeof v?.[0] === 'string' ? (v[0] as string) : undefined;
const nums = (v: TextProtoValue[] | undefined): number[] => (v ?? []).filter((x): x is number => typeof x === 'number');

/** The embeddings a projector_config.pbtxt lists, in file order. */
export function parseProjectorConfig(text: string): ProjectorEmbedding[] {
  const config = parseTextProto(text);
  return (config.embeddings ?? [])
    .filter((e): e is TextProtoMessage => typeof e === 'object')
    .map((e) => {
      const out: ProjectorEmbedding = { tensorName: str(e.tensor_name) ?? '' };
      const tensorPath = str(e.tensor_path);
      const metadataPath = str(e.metadata_path);
      const bookmarksPath = str(e.bookmarks_path);
      if (tensorPath) out.tensorPath = tensorPath;
      if (metadataPath) out.metadataPath = metadataPath;
      if (bookmarksPath) out.bookmarksPath = bookmarksPath;
      if (e.tensor_shape?.length) out.tensorShape = nums(e.tensor_shape);
      const sprite = e.sprite?.[0];
      if (typeof sprite === 'object') {
        out.sprite = { imagePath: str(sprite.image_path) ?? '', singleImageDim: nums(sprite.single_image_dim) };
      }
      return out;
    });
}

/** Reads a run's projector_config.pbtxt; a syntax error becomes an issue naming the file, line and column. */
export async function readProjectorConfig(
  file: string,
): Promise<{ embeddings: ProjectorEmbedding[]; issue?: ProjectorConfigIssue }> {
  const text = new TextDecoder().decode(await gfile.readFile(file));
  try {
    return { embeddings: parseProjectorConfig(text) };
  } catch (err) {
    if (!(err instanceof TextFormatError)) throw err;
    return {
      embeddings: [],
      issue: {
        kind: 'bad-projector-config',
        file,
        line: err.line,
        column: err.column,
        message: `${file}: ${err.message}`,
      },
    };
  }
}

/**
 * The [points, dimensions] of an embedding: its declared tensor_shape, else counted from its tensors.tsv (rows, and
 * tab-separated cells of the first row), as the Projector does. Undefined when neither is there (a checkpoint tensor,
 * or a missing file).
 */
export async function embeddingShape(configFile: string, e: ProjectorEmbedding): Promise<number[] | undefined> {
  if (e.tensorShape?.length) return e.tensorShape;
  if (!e.tensorPath) return undefined;
  const path = isAbsolute(e.tensorPath) ? e.tensorPath : join(dirname(configFile), e.tensorPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const rows = text.split('\n').filter((line) => line.trim() !== '');
  return [rows.length, rows.length ? rows[0]!.split('\t').length : 0];
}
