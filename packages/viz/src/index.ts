/**
 * torchinfo-style summary, tqdm-style progress bars, weight views and headless plots (d2l's Animator and friends)
 * rendered to PNG.
 *
 * @module @trainkit/viz
 */
export { Animator, type AnimatorOptions, type AnimatorValues } from './plots/animator.js';
export type { ColormapName } from './plots/colors.js';
export {
  type ConfusionMatrixLike,
  type ConfusionMatrixPlotOptions,
  plotConfusionMatrix,
} from './plots/confusion-matrix-plot.js';
export { type FeatureMapGridOptions, featureMapGrid } from './plots/feature-map-grid.js';
export { Figure, type PngOptions } from './plots/figure.js';
export type { FloatImage, ImageInput, ImageNormalize } from './plots/image-data.js';
export { type GridLayout, type ShowImagesOptions, showImages } from './plots/image-grid.js';
export { type LegendLocation, type LinePlotOptions, type LineSeries, linePlot } from './plots/line-plot.js';
export {
  type IncorrectExample,
  incorrectTitles,
  type MostIncorrectPlotOptions,
  plotMostIncorrect,
} from './plots/most-incorrect-plot.js';
export { type PlotWeightsOptions, plotWeights } from './plots/plot-weights.js';
export { type ScatterPlotOptions, scatterPlot } from './plots/scatter-plot.js';
export { plotWeightHistograms, type WeightHistogramsOptions } from './plots/weight-histograms.js';
export { EMA } from './progress/ema.js';
export {
  formatBar,
  formatInterval,
  formatMeter,
  formatNum,
  formatSizeof,
  type MeterOptions,
} from './progress/format-meter.js';
export {
  type ManualProgressOptions,
  type PostfixValue,
  ProgressBar,
  type ProgressOptions,
  progress,
  trange,
} from './progress/progress-bar.js';
export type { ProgressStream } from './progress/progress-stream.js';
export { type PCAResult, pca } from './projection/pca.js';
export { type TSNEOptions, type TSNEResult, tsne } from './projection/tsne.js';
export { FormattingOptions } from './summary/formatting-options.js';
export { LayerInfo } from './summary/layer-info.js';
export { type LayerStatistics, ModelStatistics } from './summary/model-statistics.js';
export {
  COLUMN_NAMES,
  type ColumnName,
  type Mode,
  ROW_SETTINGS,
  type RowSetting,
  type Verbosity,
} from './summary/settings.js';
export { type SummaryOptions, summary } from './summary/summary.js';
export { type Histogram, histogram, type Moments, moments, type ValuesLike } from './weights/histogram.js';
export { ParameterStats, type ParameterStatsRow, parameterStats } from './weights/parameter-stats.js';
export { type TerminalHistogramOptions, terminalHistogram } from './weights/terminal-histogram.js';
