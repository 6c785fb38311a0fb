// The TypeScript blocks of a README and the example files they show. A block preceded by
// `<!-- example: examples/NAME.ts -->` is that file, verbatim, and the file is what the tests type-check and run;
// a block preceded by `<!-- not an example: why -->` is a sketch (declarations, a signature) and is left alone.
// Any other ts block is an error, so a new snippet cannot slip into a README untested.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const EXAMPLE = /^<!--\s*example:\s*(\S+)\s*-->$/;
const NOT_EXAMPLE = /^<!--\s*not an example:.*-->$/;
const TS_FENCE = /^```(ts|typescript|tsx)\s*$/;

export interface ReadmeBlock {
  /** 1-based line of the opening fence */
  line: number;
  /** the block's text, ending with a newline */
  code: string;
  /** the example file it shows, relative to the README's directory; undefined for a marked sketch */
  file?: string;
  /** whether a marker precedes it */
  marked: boolean;
  /** line range of the code, 0-based, end exclusive */
  start: number;
  end: number;
}

/** The ts blocks of a README, with the example file each one shows. */
export function readmeBlocks(readmePath: string): ReadmeBlock[] {
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!TS_FENCE.test(lines[i]!)) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${readmePath}:${i + 1}: ts block is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? lines[before]!.trim() : '';
    const file = EXAMPLE.exec(marker)?.[1];
    blocks.push({
      line: i + 1,
      code: `${lines.slice(i + 1, end).join('\n')}\n`,
      file,
      marked: file !== undefined || NOT_EXAMPLE.test(marker),
      start: i + 1,
      end,
    });
    i = end;
  }
  return blocks;
}

export interface ReadmeProblem {
  line: number;
  message: string;
}

/**
 * What is wrong with a README's examples: unmarked ts blocks, missing files, and blocks that differ from their file.
 * With `write`, a block that differs is replaced by its file first (the file is the one that is type-checked and run).
 */
export function checkReadmeExamples(readmePath: string, { write = false } = {}): ReadmeProblem[] {
  const dir = dirname(readmePath);
  const problems: ReadmeProblem[] = [];
  const blocks = readmeBlocks(readmePath);
  const lines = readFileSync(readmePath, 'utf8').split('\n');
  let changed = false;
  // From the last block up, so that replacing one keeps the line numbers of those above it valid.
  for (const block of [...blocks].reverse()) {
    if (!block.marked) {
      problems.push({
        line: block.line,
        message:
          'ts block without a marker: keep it as a file and precede it with <!-- example: examples/NAME.ts -->, ' +
          'or say why it is not one with <!-- not an example: … -->',
      });
      continue;
    }
    if (block.file === undefined) continue;
    const path = join(dir, block.file);
    if (!existsSync(path)) {
      problems.push({ line: block.line, message: `${block.file} does not exist` });
      continue;
    }
    const code = readFileSync(path, 'utf8');
    if (code === block.code) continue;
    if (write) {
      lines.splice(block.start, block.end - block.start, ...code.replace(/\n$/, '').split('\n'));
      changed = true;
    } else {
      problems.push({
        line: block.line,
        message: `differs from ${block.file} (run pnpm readme-examples to copy the file into the README)`,
      });
    }
  }
  if (changed) writeFileSync(readmePath, lines.join('\n'));
  return problems.reverse();
}
