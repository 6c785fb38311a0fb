/**
 * True when an argument that may be given positionally (a number, a tuple, a string) is instead the options object
 * of PyTorch's keyword arguments: F.conv2d(x, w, b, 2) or F.conv2d(x, w, b, { stride: 2 }).
 */
export function isOptions<T extends object>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
