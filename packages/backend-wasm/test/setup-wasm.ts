// Registers 'wasm' before the tests run on it (vitest.config.ts); useBackend('wasm') then finds this package.
import { registerWasmBackend } from '../src/index.js';

await registerWasmBackend();
