import { parseArgs } from 'node:util';
import { type BackendName, F, loadModel, type nn, noGrad, tf } from '@trainkit/core';
import { CIFAR10_CLASSES, type ImageArray, loadImageFile, transforms } from '@trainkit/data';
import { CliError, explainFailure, runCli, selectBackend, UsageError } from '@trainkit/train';
import { VERSION } from './config.js';
// the network's class is registered by the package that defines it, so loadModel can rebuild it
import './model.js';

export const PREDICT_HELP = `Usage: cifar-train predict --model FILE IMAGE [IMAGE ...]

Classifies images with a saved model, as the tutorial's test.py: loads the whole model (best.safetensors or any
epoch_N.safetensors checkpoint of a run; the file holds the architecture), converts each image (PNG or JPEG) to
RGB, resizes it to 32×32 as torchvision's Resize((32, 32)) does on a PIL image, scales it to [0, 1] (ToTensor)
and prints the predicted CIFAR-10 class with its probability and the runners-up.

  --model FILE      the saved model (required)
  --top N           how many classes to print per image (default 3)
  --backend NAME    tfjs backend (default $TRAINKIT_BACKEND, else the fastest available)
  -h, --help        show this help and exit
  --version         print the version and exit

Example:
  cifar-train predict --model runs/cifar-train/20250101-120000/checkpoints/best.safetensors dog.png
`;

interface PredictArgs {
  help: boolean;
  version: boolean;
  model: string;
  images: string[];
  top: number;
  backend: BackendName | undefined;
}

function parsePredictArgs(argv: readonly string[]): PredictArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        top: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const help = v.help === true;
  const version = v.version === true;
  const top = v.top === undefined ? 3 : Number(v.top);
  if (!help && !version) {
    if (typeof v.model !== 'string') throw new UsageError('--model FILE is required (a saved model to classify with)');
    if (parsed.positionals.length === 0) throw new UsageError('give at least one image to classify');
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top: expected a positive integer, got ${v.top}`);
  }
  return {
    help,
    version,
    model: String(v.model ?? ''),
    images: parsed.positionals,
    top,
    backend: v.backend as BackendName | undefined,
  };
}

const toInput = transforms.compose([transforms.resize([32, 32], { antialias: true }), transforms.toTensor()]);

/** The probabilities the model gives one image, as test.py computes them (eval mode, no gradients). */
function classify(model: nn.Module, image: ImageArray): Float32Array {
  const { data, shape } = toInput(image);
  return noGrad(() =>
    tf.tidy(() => {
      const logits = (model.call as (x: tf.Tensor) => tf.Tensor)(tf.tensor(data, [1, ...shape]));
      if (logits.rank !== 2 || logits.shape[0] !== 1) {
        throw new CliError(`the model's output has shape [${logits.shape.join(', ')}], expected [1, classes]`);
      }
      return F.softmax(logits, 1).dataSync() as Float32Array;
    }),
  );
}

async function predict(args: PredictArgs): Promise<number> {
  await selectBackend(args.backend, (line) => process.stderr.write(`${line}\n`));
  const model = await explainFailure('--model', args.model, () => loadModel(args.model));
  model.eval();
  for (const path of args.images) {
    const probs = classify(model, loadImageFile(path));
    const names = probs.length === CIFAR10_CLASSES.length ? CIFAR10_CLASSES : undefined;
    const ranked = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!).slice(0, args.top);
    const label = (i: number) => `${names ? `${names[i]} ` : ''}(class ${i}, ${(probs[i]! * 100).toFixed(1)} %)`;
    const [best, ...rest] = ranked;
    const others = rest.length > 0 ? `; then ${rest.map(label).join(', ')}` : '';
    process.stdout.write(`${path}: ${label(best!)}${others}\n`);
  }
  model.dispose();
  return 0;
}

/** `cifar-train predict --model FILE IMAGE…`: the tutorial's test.py as a command. Returns the exit code. */
export function predictMain(argv: readonly string[]): Promise<number> {
  return runCli(
    { name: 'cifar-train predict', help: PREDICT_HELP, version: VERSION, parse: parsePredictArgs, run: predict },
    argv,
  );
}
