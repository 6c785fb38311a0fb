import type { SummaryValueProto } from '../proto.js';
import type { Values } from '../tensor-like.js';

/** tensorboardX's default sample rate. */
export const DEFAULT_SAMPLE_RATE = 44100;

/**
 * tensorboardX's audio summary: a Summary.Audio holding a WAV file, plugin "audio". `values` are [frames] (mono) or
 * [frames, channels] with 1 or 2 channels, in [-1, 1]; values outside are clipped, as tensorboardX does.
 */
export function audioValue(tag: string, values: Values, sampleRate: number, what: string): SummaryValueProto {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0x7fffffff) {
    throw new RangeError(`${what}: sampleRate must be a positive integer (Hz), got ${sampleRate}`);
  }
  const shape = values.shape;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new RangeError(`${what}: expected [frames] or [frames, channels], got shape [${shape.join(', ')}]`);
  }
  const frames = shape[0]!;
  const channels = shape.length === 2 ? shape[1]! : 1;
  if (channels !== 1 && channels !== 2) {
    throw new RangeError(`${what}: expected 1 or 2 channels (shape [frames, channels]), got ${channels}`);
  }
  return {
    tag,
    audio: {
      sampleRate,
      numChannels: channels,
      lengthFrames: frames,
      encodedAudioString: wav16(values.data, channels, sampleRate),
      contentType: 'audio/wav',
    },
    metadata: { pluginData: { pluginName: 'audio' } },
  };
}

const HEADER_BYTES = 44;

/**
 * A 16-bit PCM WAV file (RIFF, a 16-byte `fmt ` chunk, `data`), byte for byte what tensorboardX's
 * `soundfile.write(..., format='wav')` produces: libsndfile's default WAV subtype is PCM_16, and libsndfile (1.2.0,
 * measured) converts a sample to a clipped 32-bit integer, lrint(x · 2^31), and keeps its top 16 bits (an
 * arithmetic shift), so 1.0 is 32767, -1.0 is -32768 and the rest rounds towards -∞ in steps of 2^-15. NaN is 0.
 */
export function wav16(samples: ArrayLike<number>, channels: number, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // WAVE_FORMAT_PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    // Scaling by a power of two is exact, in float32 (lrintf) and float64 (lrint) alike.
    const int32 = Math.min(0x7fffffff, Math.max(-0x80000000, roundHalfEven(Math.min(1, Math.max(-1, x)) * 2 ** 31)));
    view.setInt16(HEADER_BYTES + 2 * i, Number.isNaN(int32) ? 0 : Math.floor(int32 / 0x10000), true);
  }
  return out;
}

/** C's lrint in the default rounding mode: to the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
