/** The option every model of the zoo takes: the size of its output layer, torchvision's num_classes. */
export interface ClassifierOptions {
  /** the number of classes the last layer scores (torchvision's num_classes; 1000 for ImageNet models) */
  numClasses?: number;
}

/** options.numClasses or the model's default, rejecting what torch would fail on later with a less clear error. */
export function numClassesOf(model: string, options: ClassifierOptions, fallback: number): number {
  const n = options.numClasses ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${model}: numClasses must be a positive integer, got ${n}`);
  return n;
}
