// Registers 'native' before core's conformance suites run on it (vitest.config.ts); useBackend('native') then finds it.
import { registerNativeBackend } from '../src/index.js';

registerNativeBackend();
