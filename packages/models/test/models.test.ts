import { nn, tf, useBackend } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILDERS, parameterCount, stateKeys } from './helpers/builders.js';
import { modelsFixture } from './helpers/models-fixture.js';

beforeAll(() => useBackend('cpu'));

const { models } = modelsFixture.cases;

describe(`the zoo has torchvision ${modelsFixture.cases.torchvision}'s parameter counts and state-dict keys`, () => {
  it('the fixture covers every model of the zoo', () => {
    expect(models.map((c) => c.name).sort()).toEqual(Object.keys(BUILDERS).sort());
  });

  for (const c of models) {
    it(`${c.name}: ${c.count.toLocaleString('en')} parameters and ${c.keys.length} state-dict entries by default; print(model)'s text; numClasses ${c.other.numClasses} changes the head alone`, () => {
      // the structure alone is checked here, so no initial weights are drawn (20 s of CPU for a VGG)
      const model = nn.utils.skipInit(() => BUILDERS[c.name]!(undefined));
      expect(parameterCount(model)).toBe(c.count);
      expect(stateKeys(model)).toEqual(c.keys);
      expect(model.toString()).toBe(c.repr);
      model.dispose();

      const other = nn.utils.skipInit(() => BUILDERS[c.name]!(c.other.numClasses));
      expect(parameterCount(other)).toBe(c.other.count);
      const shapes = new Map(c.keys.map(([k, shape]) => [k, shape]));
      const changed = stateKeys(other)
        .filter(([k, shape]) => !tf.util.arraysEqual(shapes.get(k) ?? [], shape))
        .map(([k, shape]) => [k, shape]);
      expect(changed).toEqual(c.other.changed);
      other.dispose();
    });
  }

  it('rejects a numClasses that is not a positive integer, naming the model', () => {
    expect(() => BUILDERS.vgg16!(0)).toThrow('vgg16: numClasses must be a positive integer, got 0');
    expect(() => BUILDERS.resnet18!(2.5)).toThrow('resnet18: numClasses must be a positive integer, got 2.5');
    expect(() => BUILDERS.lenet!(-1)).toThrow('lenet: numClasses must be a positive integer, got -1');
    expect(() => BUILDERS.MLP!(Number.NaN)).toThrow('MLP: numClasses must be a positive integer, got NaN');
  });
});
