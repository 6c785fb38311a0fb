import { pyFixed } from '../progress/py-format.js';
import type { FormattingOptions } from './formatting-options.js';
import type { LayerInfo } from './layer-info.js';
import { thousands } from './settings.js';

/** Mult-adds in M below 1e9, G below 1e12, then T, as torchinfo 1.8's to_readable with Units.AUTO. */
function formatMacs(num: number): string {
  const [unit, value] = num >= 1e12 ? ['T', num / 1e12] : num >= 1e9 ? ['G', num / 1e9] : ['M', num / 1e6];
  const body = Number.isInteger(value) ? thousands(value) : withThousands(pyFixed(value, 2));
  return ` (${unit}): ${body}`;
}

function withThousands(fixed: string): string {
  const [int = '', frac] = fixed.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''}`;
}

const mb = (bytes: number) => pyFixed(bytes / 1e6, 2);

/** One row of ModelStatistics.toJSON(). */
export interface LayerStatistics {
  name: string;
  className: string;
  varName: string;
  depth: number;
  depthIndex: number | undefined;
  inputSize: unknown[];
  outputSize: unknown[];
  kernelSize: number | number[] | undefined;
  numParams: number;
  trainableParams: number;
  macs: number;
  isLeaf: boolean;
  isRecursive: boolean;
  executed: boolean;
}

/**
 * The result of summary() (torchinfo/model_statistics.py): the per-layer records, the totals and the table.
 * Parameter totals are the model's own (shared parameters once), trainable counting `requiresGrad`; mult-adds and
 * the forward/backward size sum leaf layers (output bytes ×2 for gradients, only layers with parameters);
 * sizes are in bytes (float32 = 4 bytes) and printed in MB = 1e6 bytes.
 */
export class ModelStatistics {
  readonly totalParams: number = 0;
  readonly trainableParams: number = 0;
  readonly totalParamBytes: number = 0;
  readonly totalOutputBytes: number = 0;
  readonly totalMultAdds: number = 0;

  constructor(
    readonly summaryList: LayerInfo[],
    /** The input shapes (one per model input); empty when summary ran without input. */
    readonly inputSize: number[][],
    /** Bytes of the input tensors. */
    readonly totalInput: number,
    readonly formatting: FormattingOptions,
  ) {
    let macs = 0;
    let outBytes = 0;
    let params = 0;
    let trainable = 0;
    let paramBytes = 0;
    for (const info of summaryList) {
      if (info.isLeafLayer) {
        macs += info.macs;
        if (info.numParams > 0) outBytes += info.outputBytes * 2;
      }
    }
    // Totals come from the root row(s): named parameters already count a shared parameter once and include
    // parameters of submodules the forward pass never reached, so Total params = sum of numel over parameters().
    for (const info of summaryList) {
      if (info.parentInfo === undefined) {
        params += info.numParams;
        trainable += info.trainableParams;
        paramBytes += info.paramBytes;
      }
    }
    this.totalMultAdds = macs;
    this.totalOutputBytes = outBytes;
    this.totalParams = params;
    this.trainableParams = trainable;
    this.totalParamBytes = paramBytes;
    formatting.setLayerNameWidth(summaryList);
  }

  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }

  /** Input + forward/backward + parameter bytes. */
  get estimatedTotalBytes(): number {
    return this.totalInput + this.totalOutputBytes + this.totalParamBytes;
  }

  /** The table, line for line as torchinfo 1.8 prints it. */
  toString(): string {
    const f = this.formatting;
    const divider = '='.repeat(f.getTotalWidth());
    const allLayers = f.layersToStr(this.summaryList, this.totalParams);
    let s =
      `${divider}\n${f.headerRow()}${divider}\n${allLayers}${divider}\n` +
      `Total params: ${thousands(this.totalParams)}\n` +
      `Trainable params: ${thousands(this.trainableParams)}\n` +
      `Non-trainable params: ${thousands(this.nonTrainableParams)}\n`;
    if (this.inputSize.length > 0) {
      s +=
        `Total mult-adds${formatMacs(this.totalMultAdds)}\n${divider}\n` +
        `Input size (MB): ${mb(this.totalInput)}\n` +
        `Forward/backward pass size (MB): ${mb(this.totalOutputBytes)}\n` +
        `Params size (MB): ${mb(this.totalParamBytes)}\n` +
        `Estimated Total Size (MB): ${mb(this.estimatedTotalBytes)}\n`;
    }
    return s + divider;
  }

  /** console.log(summary(...)) prints the table, as Python's print does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toJSON(): {
    totalParams: number;
    trainableParams: number;
    nonTrainableParams: number;
    totalMultAdds: number;
    inputSize: number[][];
    inputBytes: number;
    forwardBackwardBytes: number;
    paramsBytes: number;
    estimatedTotalBytes: number;
    layers: LayerStatistics[];
  } {
    const f = this.formatting;
    return {
      totalParams: this.totalParams,
      trainableParams: this.trainableParams,
      nonTrainableParams: this.nonTrainableParams,
      totalMultAdds: this.totalMultAdds,
      inputSize: this.inputSize,
      inputBytes: this.totalInput,
      forwardBackwardBytes: this.totalOutputBytes,
      paramsBytes: this.totalParamBytes,
      estimatedTotalBytes: this.estimatedTotalBytes,
      layers: this.summaryList.map((l) => ({
        name: l.getLayerName(f.showVarName, true),
        className: l.className,
        varName: l.varName,
        depth: l.depth,
        depthIndex: l.depthIndex,
        inputSize: l.inputSize,
        outputSize: l.outputSize,
        kernelSize: l.kernelSize,
        numParams: l.numParams,
        trainableParams: l.trainableParams,
        macs: l.macs,
        isLeaf: l.isLeafLayer,
        isRecursive: l.isRecursive,
        executed: l.executed,
      })),
    };
  }
}
