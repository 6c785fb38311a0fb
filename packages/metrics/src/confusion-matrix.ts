import { nn, tf } from '@trainkit/core';
import { formatFixed } from './format-fixed.js';

const fmt = nn.formatShape;

/** Class indices as a tensor or an array. */
export type LabelsLike = tf.Tensor | ArrayLike<number>;
/** Predicted class indices, or logits/probabilities [N, C] (argmax taken) as a tensor or nested arrays. */
export type PredictionsLike = LabelsLike | ArrayLike<ArrayLike<number>>;

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionMatrixOptions {
  /** a name per class for toString and report (default '0', '1', …) */
  classNames?: readonly string[];
}

export interface ConfusionMatrixJSON {
  numClasses: number;
  classNames: string[];
  /** rows are true classes, columns predicted classes */
  matrix: number[][];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  accuracy: number;
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
}

interface HostLabels {
  values: ArrayLike<number>;
  shape: number[];
}

function isNested(v: PredictionsLike): v is ArrayLike<ArrayLike<number>> {
  return !(v instanceof tf.Tensor) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null;
}

function argmaxRows(rows: ArrayLike<ArrayLike<number>>, numClasses: number): HostLabels {
  const n = rows.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== numClasses) {
      throw new Error(
        `ConfusionMatrix.update: preds row ${i} has ${row.length} scores, expected ${numClasses} (one per class)`,
      );
    }
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
    out[i] = best;
  }
  return { values: out, shape: [n, numClasses] };
}

const divide = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * A confusion matrix over numClasses classes, accumulated batch by batch: rows are the true classes and columns the
 * predicted ones, as sklearn.metrics.confusion_matrix. Precision, recall and F1 follow sklearn with
 * zero_division=0 (its default warns and gives 0): a class never predicted has precision 0, a class absent from the
 * targets recall 0. update() reads tensors from the backend (one download per call) and never disposes them.
 */
export class ConfusionMatrix {
  readonly numClasses: number;
  readonly classNames: string[];
  /** row-major counts, numClasses × numClasses */
  readonly #counts: Float64Array;

  constructor(numClasses: number, options: ConfusionMatrixOptions = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`ConfusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
    }
    this.numClasses = numClasses;
    const names = options.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i));
    if (names.length !== numClasses) {
      throw new Error(`ConfusionMatrix: ${names.length} classNames given for ${numClasses} classes`);
    }
    this.classNames = [...names];
    this.#counts = new Float64Array(numClasses * numClasses);
  }

  /**
   * Counts a batch. preds are class indices [N], or logits/probabilities [N, numClasses] whose argmax is taken (on
   * the backend for tensors); targets are class indices [N]. The matrix is unchanged when the batch is rejected.
   */
  update(preds: PredictionsLike, targets: LabelsLike): this {
    const [p, t] = this.#read(preds, targets);
    if (p.values.length !== t.values.length) {
      throw new Error(`ConfusionMatrix.update: preds has shape ${fmt(p.shape)} but targets has shape ${fmt(t.shape)}`);
    }
    const c = this.numClasses;
    const shapes = `(preds has shape ${fmt(p.shape)}, targets has shape ${fmt(t.shape)})`;
    const check = (what: string, v: number) => {
      if (!Number.isInteger(v) || v < 0 || v >= c)
        throw new RangeError(`ConfusionMatrix.update: ${what} has label ${v} outside [0, ${c}) ${shapes}`);
    };
    for (let i = 0; i < t.values.length; i++) {
      check('targets', t.values[i]!);
      check('preds', p.values[i]!);
    }
    for (let i = 0; i < t.values.length; i++) this.#counts[t.values[i]! * c + p.values[i]!]! += 1;
    return this;
  }

  #read(preds: PredictionsLike, targets: LabelsLike): [HostLabels, HostLabels] {
    const c = this.numClasses;
    const where = 'ConfusionMatrix.update';
    const predTensor = preds instanceof tf.Tensor ? preds : null;
    const targetTensor = targets instanceof tf.Tensor ? targets : null;
    if (predTensor) {
      if (predTensor.rank > 2 || (predTensor.rank === 2 && predTensor.shape[1] !== c && predTensor.shape[1] !== 1)) {
        throw new Error(
          `${where}: preds must be labels [N] or logits [N, ${c}], but preds has shape ${fmt(predTensor.shape)} and targets has shape ${fmt(shapeOf(targets))}`,
        );
      }
    }
    if (targetTensor && (targetTensor.rank > 2 || (targetTensor.rank === 2 && targetTensor.shape[1] !== 1))) {
      throw new Error(
        `${where}: targets must be labels [N], but preds has shape ${fmt(shapeOf(preds))} and targets has shape ${fmt(targetTensor.shape)}`,
      );
    }
    // Tensors come back together in one download: argmax'd predictions and targets concatenated as float32 (exact for
    // class indices), so non-integer labels can still be caught on the host.
    const tensors = [predTensor, targetTensor].filter((t): t is tf.Tensor => t !== null);
    let downloaded: Float32Array = new Float32Array(0);
    if (tensors.length > 0) {
      const joined = tf.tidy(() =>
        tf.concat(
          tensors.map((t) => {
            const labels = t === predTensor && t.rank === 2 && t.shape[1]! > 1 && t.shape[0]! > 0 ? tf.argMax(t, 1) : t;
            return tf.cast(tf.reshape(labels, [-1]), 'float32');
          }),
        ),
      );
      downloaded = joined.dataSync() as Float32Array;
      joined.dispose();
    }
    const predCount = predTensor
      ? predTensor.rank === 2 && predTensor.shape[1]! > 1
        ? predTensor.shape[0]!
        : predTensor.size
      : 0;
    const p: HostLabels = predTensor
      ? { values: downloaded.subarray(0, predCount), shape: predTensor.shape }
      : isNested(preds)
        ? argmaxRows(preds, c)
        : { values: preds as ArrayLike<number>, shape: [(preds as ArrayLike<number>).length] };
    const t: HostLabels = targetTensor
      ? { values: downloaded.subarray(predTensor ? predCount : 0), shape: targetTensor.shape }
      : { values: targets as ArrayLike<number>, shape: [(targets as ArrayLike<number>).length] };
    return [p, t];
  }

  reset(): this {
    this.#counts.fill(0);
    return this;
  }

  /** counts[true][predicted], a fresh copy */
  get matrix(): number[][] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, i) => Array.from(this.#counts.subarray(i * c, (i + 1) * c)));
  }

  /** number of samples counted */
  get total(): number {
    return this.#counts.reduce((a, b) => a + b, 0);
  }

  #diag(i: number): number {
    return this.#counts[i * this.numClasses + i]!;
  }

  /** samples per true class (row sums), sklearn's support */
  support(): number[] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, i) => this.#counts.subarray(i * c, (i + 1) * c).reduce((a, b) => a + b, 0));
  }

  /** samples per predicted class (column sums) */
  predicted(): number[] {
    const c = this.numClasses;
    const out = new Array<number>(c).fill(0);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) out[j]! += this.#counts[i * c + j]!;
    return out;
  }

  /** tp / (tp + fp) per class; 0 for a class never predicted */
  precision(): number[] {
    return this.predicted().map((col, i) => divide(this.#diag(i), col));
  }

  /** tp / (tp + fn) per class; 0 for a class absent from the targets */
  recall(): number[] {
    return this.support().map((row, i) => divide(this.#diag(i), row));
  }

  /** 2·tp / (2·tp + fp + fn) per class, the harmonic mean of precision and recall; 0 when both are 0 */
  f1(): number[] {
    const rows = this.support();
    const cols = this.predicted();
    return rows.map((row, i) => divide(2 * this.#diag(i), row + cols[i]!));
  }

  /** fraction of samples on the diagonal; 0 when nothing was counted */
  accuracy(): number {
    let trace = 0;
    for (let i = 0; i < this.numClasses; i++) trace += this.#diag(i);
    return divide(trace, this.total);
  }

  /** unweighted mean over all classes (absent ones included, as sklearn with labels=range(C)) */
  macroAvg(): ClassScores {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return { precision: mean(this.precision()), recall: mean(this.recall()), f1: mean(this.f1()), support: this.total };
  }

  /** mean over classes weighted by support; 0 when nothing was counted */
  weightedAvg(): ClassScores {
    const support = this.support();
    const total = this.total;
    const avg = (xs: number[]) =>
      divide(
        xs.reduce((a, x, i) => a + x * support[i]!, 0),
        total,
      );
    return { precision: avg(this.precision()), recall: avg(this.recall()), f1: avg(this.f1()), support: total };
  }

  /**
   * The matrix normalised as sklearn's confusion_matrix(normalize=…): 'true' divides each row by its sum (each row is
   * the distribution of predictions for that class; the diagonal is recall), 'pred' each column, 'all' by the total.
   * Empty rows or columns give zeros, as sklearn.
   */
  normalized(over: 'true' | 'pred' | 'all' = 'true'): number[][] {
    const rows = this.support();
    const cols = this.predicted();
    const total = this.total;
    const by = { true: (i: number) => rows[i]!, pred: (_: number, j: number) => cols[j]!, all: () => total }[over];
    if (!by) throw new Error(`ConfusionMatrix.normalized: expected 'true', 'pred' or 'all', got '${over}'`);
    return this.matrix.map((row, i) => row.map((v, j) => divide(v, by(i, j))));
  }

  /**
   * Per-class precision, recall, F1 and support with the averages, laid out character for character like
   * sklearn.metrics.classification_report(labels=range(C), target_names=classNames, digits, zero_division=0).
   * Like sklearn, the third average line is 'accuracy' when every class occurs in the targets or the predictions,
   * and 'micro avg' (whose three scores equal the accuracy) otherwise.
   */
  report(options: { digits?: number } = {}): string {
    const digits = options.digits ?? 2;
    const headers = ['precision', 'recall', 'f1-score', 'support'];
    const width = Math.max(...this.classNames.map((n) => n.length), 'weighted avg'.length, digits);
    const f = (x: number) => formatFixed(x, digits).padStart(9);
    const row = (name: string, s: ClassScores) =>
      `${name.padStart(width)}  ${f(s.precision)} ${f(s.recall)} ${f(s.f1)} ${String(s.support).padStart(9)}\n`;
    let out = `${''.padStart(width)} ${headers.map((h) => ` ${h.padStart(9)}`).join('')}\n\n`;
    const [p, r, f1, s] = [this.precision(), this.recall(), this.f1(), this.support()];
    this.classNames.forEach((name, i) => {
      out += row(name, { precision: p[i]!, recall: r[i]!, f1: f1[i]!, support: s[i]! });
    });
    out += '\n';
    const cols = this.predicted();
    const acc = this.accuracy();
    const total = this.total;
    if (s.every((n, i) => n > 0 || cols[i]! > 0)) {
      out += `${'accuracy'.padStart(width)}  ${''.padStart(9)} ${''.padStart(9)} ${f(acc)} ${String(total).padStart(9)}\n`;
    } else {
      out += row('micro avg', { precision: acc, recall: acc, f1: acc, support: total });
    }
    out += row('macro avg', this.macroAvg());
    out += row('weighted avg', this.weightedAvg());
    return out;
  }

  /** The counts as an aligned table with class names: rows are true classes, columns predicted ones. */
  toString(): string {
    const c = this.numClasses;
    const corner = 'true \\ pred';
    const m = this.matrix;
    const first = Math.max(corner.length, ...this.classNames.map((n) => n.length));
    const widths = this.classNames.map((n, j) => Math.max(n.length, ...m.map((r) => String(r[j]).length)));
    const line = (head: string, cells: string[]) =>
      [head.padEnd(first), ...cells.map((v, j) => v.padStart(widths[j]!))].join('  ');
    const lines = [line(corner, this.classNames)];
    for (let i = 0; i < c; i++) lines.push(line(this.classNames[i]!, m[i]!.map(String)));
    return lines.join('\n');
  }

  toJSON(): ConfusionMatrixJSON {
    return {
      numClasses: this.numClasses,
      classNames: [...this.classNames],
      matrix: this.matrix,
      precision: this.precision(),
      recall: this.recall(),
      f1: this.f1(),
      support: this.support(),
      accuracy: this.accuracy(),
      macroAvg: this.macroAvg(),
      weightedAvg: this.weightedAvg(),
    };
  }
}

function shapeOf(v: PredictionsLike): number[] {
  if (v instanceof tf.Tensor) return v.shape;
  const first = v[0];
  return typeof first === 'object' && first !== null ? [v.length, first.length] : [v.length];
}
