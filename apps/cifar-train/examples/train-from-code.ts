import { parseArgs, train } from '@trainkit/cifar-train';

const { config } = parseArgs(['--data-dir', 'data', '--epochs', '2']);
const { state, runDir } = await train(config);
console.log(state.history.at(-1)?.testAccuracy, runDir);
