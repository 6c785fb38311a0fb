import { describeStartScript } from '../../../tools/testing/start-script-suite.js';
import { HELP } from '../src/config.js';
import { main } from '../src/main.js';

describeStartScript({ dir: new URL('..', import.meta.url), program: 'cifar-train', help: HELP, main });
