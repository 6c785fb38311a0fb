import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonTensor } from '../../../core/test/helpers/fixtures.js';

/** One model of tools/fixtures/models.py: count, ordered state-dict keys, and the same with other numClasses. */
export interface ModelCase {
  name: string;
  numClasses: number;
  count: number;
  keys: [string, number[], string][];
  /** str(model), PyTorch's print(model) */
  repr: string;
  other: { numClasses: number; count: number; changed: [string, number[]][] };
}

/** A forward pass PyTorch ran in eval mode on formula_input(input). */
export interface ForwardCase {
  name: string;
  numClasses: number;
  input: number[];
  weights: 'formula' | 'default';
  /** the model's state-dict entries with this numClasses, as ModelCase.keys */
  keys: [string, number[], string][];
  /** the safetensors file (in test/fixtures) of the 'default' weights */
  file?: string;
  outputs: JsonTensor[];
}

export const modelsFixture: {
  torch: string;
  cases: { torchvision: string; models: ModelCase[]; forwards: ForwardCase[] };
} = JSON.parse(readFileSync(new URL('../fixtures/models.json', import.meta.url), 'utf8'));

export const fixturePath = (file: string) => fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));
