import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTemporaries } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainkit-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('removeStaleTemporaries', () => {
  it("removes what a killed writer left, and keeps a live writer's temporary file and everything else", async () => {
    // above Linux's largest pid (pid_max is at most 2^22): no process has it
    const dead = `.epoch_1.safetensors.${2 ** 22 + 1}.0123456789ab.tmp`;
    const live = `.epoch_2.safetensors.${process.pid}.0123456789ab.tmp`;
    const others = ['epoch_1.safetensors', '.hidden', 'notes.tmp', '.x.12.short.tmp'];
    for (const name of [dead, live, ...others]) await writeFile(join(dir, name), 'x');
    expect(await removeStaleTemporaries(dir)).toEqual([dead]);
    expect((await readdir(dir)).sort()).toEqual([live, ...others].sort());
    expect(await removeStaleTemporaries(join(dir, 'missing'))).toEqual([]);
  });
});
