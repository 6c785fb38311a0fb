export { defaultGenerator, initialSeed, manualSeed } from './default-generator.js';
export { Generator, type GeneratorState } from './generator.js';
