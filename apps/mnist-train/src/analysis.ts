import { noGrad, type tf as TF, tf } from '@trainkit/core';
import type { DataLoader } from '@trainkit/data';
import { ConfusionMatrix, getPredictions, mostIncorrect } from '@trainkit/metrics';
import { historyCurves, type TrainingRun } from '@trainkit/train';
import {
  type Figure,
  pca,
  plotConfusionMatrix,
  plotMostIncorrect,
  plotWeights,
  progress,
  scatterPlot,
  tsne,
} from '@trainkit/viz';
import type { MnistMetric } from './checkpoints.js';
import type { MnistConfig } from './config.js';
import type { MnistSplits, Sample } from './data.js';
import type { MLP } from './model.js';

/** The PNGs of the analysis, by what they show (each also logged to TensorBoard as report/<file name>). */
export interface AnalysisFiles {
  trainingCurves: string;
  confusionMatrix: string;
  mostIncorrect: string | null;
  pcaOutputs: string;
  pcaHidden: string;
  /** null with --tsne-images 0 */
  tsneOutputs: string | null;
  tsneHidden: string | null;
  firstLayerWeights: string;
}

export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** how many of the most confidently wrong test digits to show, as seed 004 */
export const N_INCORRECT = 25;

export interface Representations {
  /** the logits y_pred, [N, 10] */
  outputs: TF.Tensor2D;
  /** the second hidden layer h_2, [N, 100] */
  intermediates: TF.Tensor2D;
  labels: Int32Array;
}

/** seed 004's get_representations: the model's outputs and second hidden layer for every test digit. */
export async function getRepresentations(model: MLP, iterator: DataLoader<Sample>): Promise<Representations> {
  const outputs: Float32Array[] = [];
  const intermediates: Float32Array[] = [];
  const labels: number[] = [];
  model.eval();
  for await (const [x, y] of iterator) {
    const [yPred, h] = noGrad(() => model.call(x));
    outputs.push(yPred.dataSync() as Float32Array);
    intermediates.push(h.dataSync() as Float32Array);
    labels.push(...(y.dataSync() as Int32Array));
    tf.dispose([yPred, h]);
  }
  const n = labels.length;
  const stack = (parts: Float32Array[], width: number) => {
    const all = new Float32Array(n * width);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return tf.tensor2d(all, [n, width]);
  };
  return {
    outputs: stack(outputs, 10),
    intermediates: stack(intermediates, model.hidden_fc.outFeatures),
    labels: Int32Array.from(labels),
  };
}

export interface AnalysisInputs {
  run: TrainingRun<MnistConfig, MnistMetric>;
  model: MLP;
  testIterator: DataLoader<Sample>;
  data: MnistSplits;
}

/**
 * Seed 004's analysis of the trained model on the test set, as PNGs in the run directory and images in
 * TensorBoard: training curves, the confusion matrix, the 25 most confidently wrong digits with their true and
 * predicted labels and probabilities, PCA and t-SNE (of the first --tsne-images digits) of the outputs and of the
 * second hidden layer coloured by digit, and the first layer's weights as 28×28 images.
 */
export async function analyse({ run, model, testIterator, data }: AnalysisInputs): Promise<AnalysisFiles> {
  const { state, log } = run;
  const save = (figure: Figure, name: string) => run.saveFigure(figure, name);

  const trainingCurves = await save(historyCurves(state.history, { title: 'MNIST MLP training' }), 'training_curves');

  const predictions = await getPredictions(model, testIterator, { keepInputs: true });
  const cm = new ConfusionMatrix(10, { classNames: DIGITS }).update(predictions.preds, predictions.labels);
  log(`\nconfusion matrix (rows: true digit, columns: predicted):\n${cm.toString()}\n\n${cm.report({ digits: 3 })}`);
  const confusionMatrix = await save(plotConfusionMatrix(cm, { title: 'MNIST test set' }), 'confusion_matrix');

  const wrong = mostIncorrect(predictions, N_INCORRECT);
  const mostIncorrectFile =
    wrong.length === 0
      ? null
      : await save(
          plotMostIncorrect(wrong, {
            classNames: DIGITS,
            imageShape: predictions.inputShape ?? [1, 28, 28],
            normalize: { mean: [data.mean], std: [data.std] },
            ncols: 5,
            title: `The ${wrong.length} most confidently wrong test digits`,
          }),
          'most_incorrect',
        );
  if (wrong.length === 0) log('no test digit is misclassified: most_incorrect.png is not drawn');

  const reps = await getRepresentations(model, testIterator);
  try {
    const labels = Array.from(reps.labels);
    const outputs = pca(reps.outputs, 2);
    const hidden = pca(reps.intermediates, 2);
    const pcaOutputs = await save(
      scatterPlot(outputs.projected, {
        labels,
        classNames: DIGITS,
        title: 'PCA of the outputs (logits)',
        xlabel: 'PC 1',
        ylabel: 'PC 2',
      }),
      'pca_outputs',
    );
    const pcaHidden = await save(
      scatterPlot(hidden.projected, {
        labels,
        classNames: DIGITS,
        title: 'PCA of the second hidden layer h₂',
        xlabel: 'PC 1',
        ylabel: 'PC 2',
      }),
      'pca_hidden',
    );
    const tsneOf = async (rep: TF.Tensor2D, what: string, name: string): Promise<string | null> => {
      const n = Math.min(run.config.tsneImages, rep.shape[0]);
      if (n < 2) return null;
      const rows = tf.tidy(() => rep.slice([0, 0], [n, -1]).arraySync() as number[][]);
      const bar = progress({
        total: 1000,
        desc: `t-SNE of ${what} (${n} digits)`,
        unit: 'it',
        disable: !run.config.progress,
      });
      let done = 0;
      const { embedding } = tsne(rows, {
        // seed 004's manifold.TSNE(n_components=2, random_state=0), exact, from sklearn ≥ 1.2's default PCA start
        perplexity: Math.min(30, n - 1),
        onProgress: ({ iteration, klDivergence }) => {
          bar.update(iteration - done);
          done = iteration;
          bar.setPostfix({ kl: klDivergence.toFixed(3) });
        },
      });
      bar.close();
      return save(
        scatterPlot(embedding, {
          labels: labels.slice(0, n),
          classNames: DIGITS,
          title: `t-SNE of ${what} (${n} test digits)`,
          xlabel: 't-SNE 1',
          ylabel: 't-SNE 2',
        }),
        name,
      );
    };
    const tsneOutputs = await tsneOf(reps.outputs, 'the outputs (logits)', 'tsne_outputs');
    const tsneHidden = await tsneOf(reps.intermediates, 'the second hidden layer h₂', 'tsne_hidden');
    const firstLayerWeights = await save(
      plotWeights(model, {
        layer: 'input_fc',
        maxFilters: 25,
        rowShape: [28, 28],
        ncols: 5,
        title: 'First-layer weights (25 of 250 units)',
      }),
      'first_layer_weights',
    );
    log(
      `analysis: ${[trainingCurves, confusionMatrix, mostIncorrectFile, pcaOutputs, pcaHidden, tsneOutputs, tsneHidden, firstLayerWeights].filter(Boolean).join(', ')}`,
    );
    return {
      trainingCurves,
      confusionMatrix,
      mostIncorrect: mostIncorrectFile,
      pcaOutputs,
      pcaHidden,
      tsneOutputs,
      tsneHidden,
      firstLayerWeights,
    };
  } finally {
    tf.dispose([reps.outputs, reps.intermediates]);
  }
}
