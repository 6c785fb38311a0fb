import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortRunNames } from '../src/cli/compare-command.js';
import { main, runCli } from '../src/cli.js';
import { SummaryWriter } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tk-cli-'));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
let brokenFile = '';
/** run b's event file ends in a torn record on purpose: tests other than the one about it need not see the warning */
const quiet = { warn: () => {} };

beforeAll(async () => {
  for (const [name, lr] of [
    ['a', 0.1],
    ['b', 0.5],
  ] as const) {
    const w = new SummaryWriter(join(root, name));
    for (let step = 0; step < 3; step++) w.addScalar('loss', 1 - lr * step, step);
    if (name === 'b') w.addScalar('loss', 0.25, 5);
    if (name === 'a') {
      w.addScalar('learning_rate_of_the_optimizer', lr, 0);
      w.addCustomScalars({
        Loss: { both: ['Multiline', ['loss', 'val_loss']], band: ['Margin', ['loss', 'lo', 'hi']] },
      });
      w.addEmbedding(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        ['x', 'y'],
        undefined,
        7,
        'features',
      );
    }
    w.addHparams({ lr }, { loss: null });
    await w.close();
    if (name === 'b') brokenFile = w.eventFile;
  }
  appendFileSync(brokenFile, Buffer.from([1, 2, 3])); // a torn final record
  // a nested run, to name runs by their path relative to the logdir
  const nested = new SummaryWriter(join(root, 'sweep', 'lr1'));
  nested.addScalar('loss', 2, 0);
  await nested.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** runCli with its output captured: what a user sees and the exit code the process gets. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** Start columns of each whitespace-separated field after the first two spaces of indentation. */
const columnStarts = (line: string): number[] => [...line.matchAll(/(?<=^ {2}|\s{2})\S/g)].map((m) => m.index!);

describe('trainkit-tb ls', () => {
  it('lists runs, tags, hparams, custom scalars charts and projector embeddings, and warns about a torn record', async () => {
    const warnings: string[] = [];
    const out = await main(['ls', root], { warn: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`${brokenFile.split('/').at(-1)}: record at byte offset \\d+: truncated header`),
    );
    const lines = out.split('\n');
    expect(lines.filter((l) => !l.startsWith(' '))).toEqual([
      'a  (1 event file)',
      'b  (1 event file)',
      'sweep/lr1  (1 event file)',
    ]);
    const rows = lines.filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toContainEqual(['scalars', 'loss', '3 points, last step 2']);
    expect(rows).toContainEqual(['scalars', 'loss', '4 points, last step 5']);
    expect(rows).toContainEqual(['hparams', 'lr=0.5; metrics: loss; status: success']);
    expect(rows).toContainEqual(['custom_scalars', 'Loss/both', 'Multiline: loss, val_loss']);
    expect(rows).toContainEqual(['custom_scalars', 'Loss/band', 'Margin: loss (lo to hi)']);
    expect(rows).toContainEqual(['embedding', 'features:00007', '2 points × 3 dimensions, metadata']);
  });

  it('aligns its columns across every run', async () => {
    const out = await main(['ls', root], quiet);
    // rows with all three columns filled: the tag and the details start at the same column everywhere
    const rows = out.split('\n').filter((l) => l.startsWith('  ') && columnStarts(l).length === 3);
    expect(rows.length).toBeGreaterThan(6);
    const starts = rows.map(columnStarts);
    for (const s of starts) expect(s).toEqual(starts[0]);
    // the longest tag sets the width of the tag column
    const longest = rows.find((l) => l.includes('learning_rate_of_the_optimizer'))!;
    expect(starts[0]![2]).toBe(longest.indexOf('learning_rate_of_the_optimizer') + 30 + 2);
  });
});

describe('trainkit-tb scalars', () => {
  it('prints one table per run, numbers right-aligned', async () => {
    const out = await main(['scalars', 'loss', root, '--run', 'a']);
    expect(out.split('\n').map((l) => l.trim().split(/\s+/)[0])).toEqual(['a', 'step', '0', '1', '2']);
    const lines = out.split('\n').slice(1);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // the value column ends at the same place
    expect(out).toContain('0.8');
  });

  it('--run with a run that does not exist says so and lists the runs there (exit 1)', async () => {
    const r = await cli(['scalars', 'loss', root, '--run', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`trainkit-tb: --run nope: no such run in ${root}; the runs there: a, b, sweep/lr1\n`);
    expect(r.stderr).not.toContain('tag');
  });

  it('accepts the run spelled as a relative path, and names the tags of the run when the tag is missing', async () => {
    const out = await main(['scalars', 'loss', root, '--run', './sweep/lr1/']);
    expect(out.split('\n')[0]).toBe('sweep/lr1');
    await expect(main(['scalars', 'acc', root, '--run', 'a'])).rejects.toThrow(
      "no scalar tag 'acc' in run 'a'; the scalar tags there: learning_rate_of_the_optimizer, loss",
    );
    await expect(main(['scalars', 'nope', root], quiet)).rejects.toThrow(
      `no scalar tag 'nope' in logdir ${root}; the scalar tags there: learning_rate_of_the_optimizer, loss`,
    );
  });
});

describe('trainkit-tb export', () => {
  it('--csv writes every scalar', async () => {
    const csv = await main(['export', '--csv', root], quiet);
    const lines = csv.split('\n');
    expect(lines[0]).toBe('run,tag,step,wall_time,value');
    expect(lines.filter((l) => l.startsWith('b,loss,'))).toHaveLength(4);
    expect(lines.find((l) => l.startsWith('a,loss,2,'))!.split(',')[4]).toBe(String(Math.fround(0.8)));
  });

  it('--out writes the file, and names the path when it cannot', async () => {
    const file = join(root, 'scalars.csv');
    expect(await main(['export', '--csv', join(root, 'sweep'), '--out', file])).toBe(`wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toMatch(/^run,tag,step,wall_time,value\nlr1,loss,0,[\d.]+,2\n$/);
    const r = await cli(['export', '--csv', join(root, 'sweep'), '--out', join(root, 'no', 'such', 'x.csv')]);
    expect([r.code, r.stderr]).toEqual([
      1,
      `trainkit-tb: --out ${join(root, 'no', 'such', 'x.csv')}: its directory does not exist\n`,
    ]);
    rmSync(file);
  });
});

describe('trainkit-tb compare', () => {
  it('puts runs side by side with last/min/max, headed by their names relative to the logdir', async () => {
    const out = await main(['compare', join(root, 'a'), join(root, 'b'), '--tag', 'loss'], quiet);
    const rows = out.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(['step', 'a', 'b']);
    expect(rows[4]).toEqual(['5', '-', '0.25']);
    expect(rows[5]).toEqual(['last', '0.8', '0.25']);
    expect(rows[6]).toEqual(['min', '0.8', '0']);
    const nested = await main(['compare', join(root, 'a'), join(root, 'sweep', 'lr1'), '--tag', 'loss']);
    expect(
      nested
        .split('\n')[0]!
        .trim()
        .split(/\s{2,}/),
    ).toEqual(['step', 'a', 'sweep/lr1']);
  });

  it('names runs relative to the directory that holds them all', () => {
    expect(shortRunNames(['runs/a', 'runs/b'])).toEqual(['a', 'b']);
    expect(shortRunNames(['runs/x/a', 'runs/y/a/'])).toEqual(['x/a', 'y/a']);
    expect(shortRunNames(['runs/a', 'runs/a/sub'])).toEqual(['a', 'a/sub']);
    expect(shortRunNames(['/tmp/only'])).toEqual(['only']);
    const here = relative(process.cwd(), join(root, 'a'));
    expect(shortRunNames([here, join(root, 'b')])).toEqual(['a', 'b']);
  });

  it('says which runs a directory holds when it is a logdir rather than a run', async () => {
    await expect(main(['compare', join(root, 'sweep'), '--tag', 'loss'])).rejects.toThrow(
      `${join(root, 'sweep')}: no event files, not a run directory; the runs under it: ${join(root, 'sweep')}/lr1`,
    );
  });
});

describe('trainkit-tb logdirs that cannot be read', () => {
  it('a missing logdir is named, without an ENOENT or a stack trace (exit 1)', async () => {
    const missing = join(root, 'nowhere');
    for (const argv of [
      ['ls', missing],
      ['scalars', 'loss', missing],
      ['export', '--csv', missing],
    ]) {
      const r = await cli(argv);
      expect([r.code, r.stderr]).toEqual([1, `trainkit-tb: logdir ${missing}: no such directory\n`]);
    }
    const r = await cli(['compare', join(root, 'a'), missing, '--tag', 'loss']);
    expect([r.code, r.stderr]).toEqual([1, `trainkit-tb: run directory ${missing}: no such directory\n`]);
  });

  it('a file given as the logdir is said to be no directory', async () => {
    const file = join(root, 'a-file.txt');
    writeFileSync(file, 'not a logdir');
    const r = await cli(['ls', file]);
    expect([r.code, r.stderr]).toEqual([1, `trainkit-tb: logdir ${file}: not a directory\n`]);
    rmSync(file);
  });

  it('the default ./runs, when missing, is said to be the default; an empty logdir has no runs', async () => {
    const cwd = process.cwd();
    const empty = mkdtempSync(join(tmpdir(), 'tk-cli-empty-'));
    try {
      process.chdir(empty);
      const r = await cli(['ls']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'trainkit-tb: logdir runs: no such directory (LOGDIR defaults to ./runs; give the directory your SummaryWriter wrote to)\n',
      );
      mkdirSync('runs');
      expect((await cli(['ls'])).stderr).toBe(
        'trainkit-tb: logdir runs: no runs (no event files, *tfevents*, in it or below)\n',
      );
    } finally {
      process.chdir(cwd);
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('trainkit-tb usage', () => {
  it('usage errors exit 2 with one line and a pointer to --help', async () => {
    const cases: [string[], string][] = [
      [['compare', join(root, 'a')], 'compare needs --tag T'],
      [['compare', '--tag', 'loss'], 'compare needs RUN_DIR... (trainkit-tb compare RUN_DIR... --tag T)'],
      [['scalars'], 'scalars needs TAG (trainkit-tb scalars TAG [LOGDIR] [--run RUN])'],
      [['ls', root, 'extra'], `ls takes [LOGDIR], got 2 arguments: ${root} extra`],
      [['export', root], 'export needs --csv (the only format)'],
      [['ls', root, '--tag', 'x'], '--tag is not an option of ls (trainkit-tb ls [LOGDIR])'],
      [['ls', '--frobnicate'], 'unknown option --frobnicate'],
      [['scalars', 'loss', '--run'], '--run needs a value'],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect({ argv, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        argv,
        code: 2,
        stderr: `trainkit-tb: ${message}\nRun trainkit-tb --help for usage.\n`,
        stdout: '',
      });
    }
  });

  it('no command or an unknown one prints the usage after the message, exit 2', async () => {
    for (const [argv, message] of [
      [[], 'no command given'],
      [['frobnicate'], "unknown command 'frobnicate'"],
    ] as const) {
      const r = await cli([...argv]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`trainkit-tb: ${message}`);
      expect(r.stderr).toContain('trainkit-tb ls [LOGDIR]');
    }
  });

  it('--help prints the usage and --version the package version, exit 0', async () => {
    const help = await cli(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('trainkit-tb compare RUN_DIR... --tag T');
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('the installed command exits with those codes', () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const bin = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const run = (...argv: string[]) =>
      spawnSync(process.execPath, ['--import', tsx, bin, ...argv], { encoding: 'utf8' });
    const version = run('--version');
    expect([version.status, version.stdout]).toEqual([0, `${pkg.version}\n`]);
    const usage = run('ls', '--tag', 'x');
    expect([usage.status, usage.stderr.split('\n')[0]]).toEqual([
      2,
      'trainkit-tb: --tag is not an option of ls (trainkit-tb ls [LOGDIR])',
    ]);
    const failure = run('scalars', 'loss', root, '--run', 'nope');
    expect([failure.status, failure.stderr]).toEqual([
      1,
      `trainkit-tb: --run nope: no such run in ${root}; the runs there: a, b, sweep/lr1\n`,
    ]);
  });
});
