import type { LayerInfo } from './layer-info.js';
import { type ColumnName, HEADER_TITLES, pyList, type RowSetting, type Verbosity } from './settings.js';

/** How the table is laid out (torchinfo/formatting.py): columns, widths, tree characters, depth cut-off. */
export class FormattingOptions {
  layerNameWidth = 40;
  readonly asciiOnly: boolean;
  readonly showVarName: boolean;
  readonly showDepth: boolean;
  readonly hideRecursiveLayers: boolean;

  constructor(
    readonly maxDepth: number,
    readonly verbose: Verbosity,
    readonly colNames: readonly ColumnName[],
    readonly colWidth: number,
    rowSettings: ReadonlySet<RowSetting>,
  ) {
    this.asciiOnly = rowSettings.has('ascii_only');
    this.showVarName = rowSettings.has('var_names');
    this.showDepth = rowSettings.has('depth');
    this.hideRecursiveLayers = rowSettings.has('hide_recursive_layers');
  }

  /** Python's `str(val) if val else "--"`: empty lists, 0 and missing values show as '--'. */
  static str(val: unknown): string {
    if (val === undefined || val === null || val === 0 || val === '' || (Array.isArray(val) && val.length === 0)) {
      return '--';
    }
    return pyList(val);
  }

  getStartStr(depth: number): string {
    if (depth === 0) return '';
    if (depth === 1) return this.asciiOnly ? '+ ' : '├─';
    return (this.asciiOnly ? '|    ' : '│    ').repeat(depth - 1) + (this.asciiOnly ? '+ ' : '└─');
  }

  /** Widens the name column past 40 to fit the longest name (plus its indent), in steps of 5. */
  setLayerNameWidth(summaryList: readonly LayerInfo[], alignVal = 5): void {
    let maxLength = 0;
    for (const info of summaryList) {
      const depthIndent = info.depth * alignVal + 1;
      const title = info.getLayerName(this.showVarName, this.showDepth);
      maxLength = Math.max(maxLength, title.length + depthIndent);
    }
    if (maxLength >= this.layerNameWidth) this.layerNameWidth = Math.ceil(maxLength / alignVal) * alignVal;
  }

  getTotalWidth(): number {
    return this.colNames.length * this.colWidth + this.layerNameWidth;
  }

  formatRow(layerName: string, rowValues: Partial<Record<ColumnName, string>>): string {
    let line = `${layerName.padEnd(this.layerNameWidth)} `;
    for (const col of this.colNames) line += `${(rowValues[col] ?? '').padEnd(this.colWidth)} `;
    return `${line.trimEnd()}\n`;
  }

  headerRow(): string {
    let layerHeader = '';
    if (this.showVarName) layerHeader += ' (var_name)';
    if (this.showDepth) layerHeader += ':depth-idx';
    return this.formatRow(`Layer (type${layerHeader})`, HEADER_TITLES);
  }

  layerInfoToRow(info: LayerInfo, reachedMaxDepth: boolean, totalParams: number): string {
    const values: Record<ColumnName, string> = {
      kernel_size: FormattingOptions.str(info.kernelSize),
      input_size: FormattingOptions.str(info.inputSize),
      output_size: FormattingOptions.str(info.outputSize),
      num_params: info.numParamsToStr(reachedMaxDepth),
      params_percent: info.paramsPercent(totalParams, reachedMaxDepth),
      mult_adds: info.macsToStr(reachedMaxDepth),
      trainable: FormattingOptions.str(info.trainable),
    };
    const name = info.getLayerName(this.showVarName, this.showDepth);
    let line = this.formatRow(`${this.getStartStr(info.depth)}${name}`, values);
    if (this.verbose === 2) {
      for (const [innerName, inner] of info.innerLayers) {
        line += this.formatRow(`${this.getStartStr(info.depth + 1)}${innerName}`, inner);
      }
    }
    return line;
  }

  layersToStr(summaryList: readonly LayerInfo[], totalParams: number): string {
    let s = '';
    for (const info of summaryList) {
      if (info.depth > this.maxDepth || (this.hideRecursiveLayers && info.isRecursive)) continue;
      s += this.layerInfoToRow(info, info.depth === this.maxDepth, totalParams);
    }
    return s;
  }
}
