export { Generator, type GeneratorState } from './generator.js';
export { defaultGenerator, manualSeed, initialSeed } from './default-generator.js';
