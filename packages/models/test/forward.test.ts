import { nn, noGrad, tf, useBackend } from '@trainkit/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectClose } from '../../core/test/helpers/fixtures.js';
import { BUILDERS, run, yieldToEventLoop } from './helpers/builders.js';
import { formulaInput, formulaState } from './helpers/formula-state.js';
import { fixturePath, modelsFixture } from './helpers/models-fixture.js';

beforeAll(() => useBackend('cpu'));
beforeEach(yieldToEventLoop);

/** Largest |actual − expected| over the largest |expected|: the error relative to the output's scale. */
function relativeError(actual: tf.Tensor, expected: number[]): number {
  const a = actual.dataSync();
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return err / scale;
}

describe("forward passes in eval mode give PyTorch's outputs after loading its weights with strict: true", () => {
  for (const c of modelsFixture.cases.forwards) {
    const weights = c.weights === 'formula' ? 'the formula weights' : c.file;
    it(`${c.name} (numClasses ${c.numClasses}) on [${c.input.join(', ')}] with ${weights}`, async () => {
      // the weights are loaded next, so none are drawn first, as with pretrained weights
      const model = nn.utils.skipInit(() => BUILDERS[c.name]!(c.numClasses));
      if (c.file) {
        expect(await model.load(fixturePath(c.file), { strict: true })).toEqual({
          missingKeys: [],
          unexpectedKeys: [],
        });
      } else {
        const state = formulaState(c.keys);
        expect(model.loadStateDict(state, { strict: true })).toEqual({ missingKeys: [], unexpectedKeys: [] });
        tf.dispose(Object.values(state));
      }
      model.eval();
      const x = formulaInput(c.input);
      const outputs = noGrad(() => {
        const y = run(model, x);
        return Array.isArray(y) ? y : [y];
      });
      expect(outputs.length).toBe(c.outputs.length);
      for (const [i, expected] of c.outputs.entries()) {
        const scale = Math.max(...expected.data.map(Math.abs));
        // each element within 1e-5 of the output's largest magnitude (and 1e-5 of its own where it is larger)
        expectClose(outputs[i]!, expected, { rtol: 1e-5, atol: 1e-5 * scale, label: `${c.name} output ${i}` });
        console.info(
          `${c.name} output ${i}: max |trainkit − PyTorch| / max |PyTorch| = ${relativeError(outputs[i]!, expected.data).toExponential(2)}`,
        );
      }
      tf.dispose([x, ...outputs]);
      model.dispose();
    }, 300_000);
  }
});
