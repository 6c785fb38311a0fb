// What a file given in place of a safetensors file most likely is, told by its first bytes, so that the error says
// "a PNG image" rather than the header length its first 8 bytes would make.
const SIGNATURES: [bytes: number[], what: string][] = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'it is a PNG image'],
  [[0xff, 0xd8, 0xff], 'it is a JPEG image'],
  [
    [0x50, 0x4b, 0x03, 0x04],
    'it is a zip archive, the format of torch.save (.pt, .pth): in Python, save the state dict with safetensors.torch.save_file',
  ],
  [[0x1f, 0x8b], 'it is gzip-compressed'],
  [[0x89, 0x48, 0x44, 0x46], 'it is an HDF5 file, as Keras writes (.h5)'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'it is a NumPy .npy array'],
];

/** A few words on what `bytes` look like, for "not a safetensors file (…)". */
export function describeFileStart(bytes: Uint8Array): string {
  for (const [sig, what] of SIGNATURES) if (sig.every((b, i) => bytes[i] === b)) return what;
  // Python's pickle protocol 2 to 5 opcode: torch.save before PyTorch 1.6 wrote a bare pickle.
  if (bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5) {
    return 'it is a Python pickle, the legacy format of torch.save (.pt, .pth): in Python, save the state dict with safetensors.torch.save_file';
  }
  const head = bytes.subarray(0, 40);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // Printable text (a trailing multi-byte character cut at byte 40 decodes to U+FFFD, which is allowed at the end).
  if (/^[^\p{Cc}\uFFFD]*\uFFFD?$/u.test(text.replace(/[\t\n\r]/g, ' '))) {
    const shown = text.length > 32 ? `${text.slice(0, 32)}…` : text;
    return `it starts with text: ${JSON.stringify(shown)}`;
  }
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it starts with bytes ${hex}, where a safetensors file has an 8-byte header length and then '{'`;
}
