import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../tools/examples/example-suite.js';

describeReadmeExamples(new URL('..', import.meta.url), {
  'quickstart.ts': {
    check: ({ cwd, stdout }) => {
      expect(stdout).toMatch(/^step 5: loss \d+\.\d{4}$/m);
      expect(stdout).toContain('[ 16, 10 ]');
      // a safetensors file: 8-byte little-endian header length, then the JSON header naming every parameter
      const bytes = readFileSync(join(cwd, 'model.safetensors'));
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
      expect(
        Object.keys(header)
          .filter((k) => k !== '__metadata__')
          .sort(),
      ).toEqual(['0.bias', '0.weight', '3.bias', '3.weight']);
    },
  },
  'whole-model.ts': {
    check: ({ stdout }) => expect(stdout).toMatch(/^true 10 false$/m),
  },
  'backward.ts': {
    check: ({ stdout }) => expect(stdout).toMatch(/^loss \d+\.\d{4}, weight\.grad 3,4$/m),
  },
});
