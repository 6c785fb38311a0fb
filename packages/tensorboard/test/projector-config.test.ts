import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogdirError, listRuns, loadRun, parseProjectorConfig, SummaryWriter } from '../src/index.js';
import { parseTextProto, TextFormatError } from '../src/text-format.js';

const root = mkdtempSync(join(tmpdir(), 'tk-projector-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseTextProto', () => {
  it('reads fields, nested messages in either bracket, lists, comments and separators', () => {
    const msg = parseTextProto(`
      # a comment
      name: "a" 'b'   # adjacent strings are one
      count: 3, ratio: -1.5e-3; big: 0x10 small: 2.5f
      on: true off: False kind: ENUM_VALUE
      inner { x: 1 } inner: < x: 2 >
      dims: [4, 5]
      items: [{ y: 1 }, { y: 2 }]
      special: inf special: -inf
    `);
    expect(msg.name).toEqual(['ab']);
    expect([msg.count, msg.ratio, msg.big, msg.small]).toEqual([[3], [-0.0015], [16], [2.5]]);
    expect([msg.on, msg.off, msg.kind]).toEqual([[true], [false], ['ENUM_VALUE']]);
    expect(msg.inner).toEqual([{ x: [1] }, { x: [2] }]);
    expect(msg.dims).toEqual([4, 5]);
    expect(msg.items).toEqual([{ y: [1] }, { y: [2] }]);
    expect(msg.special).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it('decodes C escapes to UTF-8 text', () => {
    expect(parseTextProto(String.raw`s: "tab\tq\"s\'b\\ \303\251 \xe2\x82\xac é"`).s).toEqual(['tab\tq"s\'b\\ é € é']);
  });

  it('says where a syntax error is', () => {
    const at = (text: string) => {
      try {
        parseTextProto(text);
      } catch (err) {
        expect(err).toBeInstanceOf(TextFormatError);
        return (err as Error).message;
      }
      throw new Error('parsed');
    };
    expect(at('a: 1\nb {\n  c: 2\n')).toBe("line 4, column 1: expected '}' before the end of the file");
    expect(at('a: 1\n  b 2')).toBe("line 2, column 5: expected ':' or '{' after 'b'");
    expect(at('a: "open')).toBe('line 1, column 4: unterminated string');
    expect(at('a: }')).toBe("line 1, column 4: expected a value, got '}'");
  });
});

describe('projector embeddings of a run', () => {
  it('loadRun reads what addEmbedding wrote', async () => {
    const dir = join(root, 'emb');
    const w = new SummaryWriter(dir);
    w.addScalar('loss', 1, 0);
    const labelImg = { shape: [2, 1, 3, 5], data: new Float32Array(30).fill(0.5) };
    w.addEmbedding(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      ['p', 'q'],
      labelImg,
      4,
      'layer/out',
    );
    w.addEmbedding([[1], [2], [3]], undefined, undefined, 9, 'plain');
    await w.close();
    const run = await loadRun(dir);
    expect(run.embeddings).toEqual([
      {
        tensorName: 'layer/out:00004',
        tensorPath: '00004/layer%2fout/tensors.tsv',
        metadataPath: '00004/layer%2fout/metadata.tsv',
        sprite: { imagePath: '00004/layer%2fout/sprite.png', singleImageDim: [5, 3] },
      },
      { tensorName: 'plain:00009', tensorPath: '00009/plain/tensors.tsv' },
    ]);
    expect(run.issues).toEqual([]);
  });

  it('reads the fields a hand-written config may hold', () => {
    expect(
      parseProjectorConfig(
        'model_checkpoint_path: "model.ckpt"\nembeddings { tensor_name: "w" tensor_shape: 10 tensor_shape: 4 bookmarks_path: "b.txt" }',
      ),
    ).toEqual([{ tensorName: 'w', tensorShape: [10, 4], bookmarksPath: 'b.txt' }]);
  });

  it('a config that does not parse is an issue of the run, which still loads', async () => {
    const dir = join(root, 'bad');
    const w = new SummaryWriter(dir);
    w.addScalar('loss', 1, 0);
    await w.close();
    writeFileSync(join(dir, 'projector_config.pbtxt'), 'embeddings {\n  tensor_name: "x"\n');
    const run = await loadRun(dir);
    expect(run.scalars.loss).toHaveLength(1);
    expect(run.embeddings).toEqual([]);
    expect(run.issues).toEqual([
      {
        kind: 'bad-projector-config',
        file: join(dir, 'projector_config.pbtxt'),
        line: 3,
        column: 1,
        message: `${join(dir, 'projector_config.pbtxt')}: line 3, column 1: expected '}' before the end of the file`,
      },
    ]);
  });
});

describe('listRuns', () => {
  it('finds directories with event files or a projector config, named relative to the logdir', async () => {
    const logdir = join(root, 'logdir');
    mkdirSync(join(logdir, 'only-projector'), { recursive: true });
    writeFileSync(join(logdir, 'only-projector', 'projector_config.pbtxt'), '');
    mkdirSync(join(logdir, 'empty'));
    const w = new SummaryWriter(join(logdir, 'x', 'y'));
    await w.close();
    expect(await listRuns(logdir)).toEqual([
      { name: 'only-projector', dir: join(logdir, 'only-projector') },
      { name: 'x/y', dir: join(logdir, 'x', 'y') },
    ]);
  });

  it('a missing or non-directory logdir is a LogdirError naming it', async () => {
    const missing = join(root, 'missing');
    await expect(listRuns(missing)).rejects.toThrow(
      new LogdirError(`logdir ${missing}: no such directory`, missing, 'ENOENT'),
    );
    const file = join(root, 'file');
    writeFileSync(file, '');
    await expect(listRuns(file)).rejects.toMatchObject({ message: `logdir ${file}: not a directory`, code: 'ENOTDIR' });
    await expect(loadRun(join(file, 'sub'))).rejects.toMatchObject({
      message: `run directory ${join(file, 'sub')}: not a directory`,
    });
  });
});
