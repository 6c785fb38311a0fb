import { parseArgs, train } from '@trainkit/mnist-train';

const { test, analysis } = await train(parseArgs(['--epochs', '3']).config);
console.log(test?.accuracy, analysis?.mostIncorrect);
