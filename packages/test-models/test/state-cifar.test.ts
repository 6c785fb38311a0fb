import { describeStateDictInterop } from '../../core/test/helpers/state-interop.js';
import { tudui } from '../src/index.js';

// The CIFAR tutorial network's cases of tools/fixtures/state.py (core's own suite runs the MLP's).
describeStateDictInterop({ cifar: tudui });
