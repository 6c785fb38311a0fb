import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pb } from '../src/proto.js';

describe('schema', () => {
  it('src/generated/schema.json is what scripts/gen-schema.mjs makes of proto/*.proto', () => {
    const script = fileURLToPath(new URL('../scripts/gen-schema.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it("has TensorBoard's field numbers", () => {
    const ids = (t: { fields: Record<string, { id: number }> }) =>
      Object.fromEntries(Object.entries(t.fields).map(([k, f]) => [k, f.id]));
    expect(ids(pb.Event)).toEqual({
      wallTime: 1,
      step: 2,
      fileVersion: 3,
      graphDef: 4,
      summary: 5,
      sessionLog: 7,
      taggedRunMetadata: 8,
      metaGraphDef: 9,
      sourceMetadata: 10,
    });
    expect(ids(pb.HistogramProto)).toEqual({
      min: 1,
      max: 2,
      num: 3,
      sum: 4,
      sumSquares: 5,
      bucketLimit: 6,
      bucket: 7,
    });
    expect(ids(pb.HParamsPluginData)).toEqual({ version: 1, experiment: 2, sessionStartInfo: 3, sessionEndInfo: 4 });
  });
});
