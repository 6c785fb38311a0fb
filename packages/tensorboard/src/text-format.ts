/**
 * A reader for protobuf's text format (what TensorBoard's projector_config.pbtxt is written in), enough for
 * configuration files: `name: value` and `name { … }` (or `name: { … }`, `name < … >`), repeated fields by
 * repetition or `name: [a, b]`, strings in single or double quotes with C escapes (adjacent strings joined), numbers,
 * identifiers (enum values, true/false), `#` comments and optional `,`/`;` separators. Schema-free: every field
 * comes back as an array of its values, in file order, so a caller picks the fields it knows.
 */
export type TextProtoValue = string | number | boolean | TextProtoMessage;
export interface TextProtoMessage {
  [field: string]: TextProtoValue[];
}

/** A syntax error, with the 1-based line and column where it was found. */
export class TextFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'TextFormatError';
  }
}

type Token =
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'word'; text: string; at: number };

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();
const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '"': 34, "'": 39 };

export function parseTextProto(text: string): TextProtoMessage {
  const tokens = tokenize(text);
  let i = 0;
  const fail = (message: string, at = tokens[i]?.at ?? text.length): never => {
    throw errorAt(text, at, message);
  };
  const peek = (): Token | undefined => tokens[i];
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;

  const scalar = (): string | number | boolean => {
    const t = tokens[i];
    if (t?.kind === 'string') {
      let s = t.text;
      i++;
      while (tokens[i]?.kind === 'string') s += tokens[i++]!.text;
      return s;
    }
    if (t?.kind === 'word') {
      i++;
      if (t.text === 'true' || t.text === 'True' || t.text === 't') return true;
      if (t.text === 'false' || t.text === 'False' || t.text === 'f') return false;
      return numberOf(t.text) ?? t.text;
    }
    return fail(`expected a value, got ${t ? `'${t.text}'` : 'the end of the file'}`);
  };

  const message = (close: string | undefined): TextProtoMessage => {
    const out: TextProtoMessage = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (close) fail(`expected '${close}' before the end of the file`);
        return out;
      }
      if (close && isPunct(t, close)) {
        i++;
        return out;
      }
      if (t.kind !== 'word') fail(`expected a field name, got '${t.text}'`);
      i++;
      out[t.text] ??= [];
      const values = out[t.text]!;
      const colon = isPunct(peek(), ':');
      if (colon) i++;
      const open = peek();
      if (isPunct(open, '{') || isPunct(open, '<')) {
        i++;
        values.push(message(open!.text === '{' ? '}' : '>'));
      } else if (!colon) {
        fail(`expected ':' or '{' after '${t.text}'`);
      } else if (isPunct(open, '[')) {
        i++;
        while (!isPunct(peek(), ']')) {
          const o = peek();
          if (isPunct(o, '{') || isPunct(o, '<')) {
            i++;
            values.push(message(o!.text === '{' ? '}' : '>'));
          } else values.push(scalar());
          if (isPunct(peek(), ',')) i++;
          else if (!isPunct(peek(), ']')) fail(`expected ',' or ']' in the list of '${t.text}'`);
        }
        i++;
      } else {
        values.push(scalar());
      }
      if (isPunct(peek(), ',') || isPunct(peek(), ';')) i++;
    }
  };

  return message(undefined);

  function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let p = 0;
    const bad = (msg: string, at: number): never => {
      throw errorAt(src, at, msg);
    };
    while (p < src.length) {
      const c = src[p]!;
      if (/\s/.test(c)) p++;
      else if (c === '#') {
        while (p < src.length && src[p] !== '\n') p++;
      } else if ('{}<>[]:,;'.includes(c)) out.push({ kind: 'punct', text: c, at: p++ });
      else if (c === '"' || c === "'") {
        const start = p++;
        const bytes: number[] = [];
        for (;;) {
          if (p >= src.length || src[p] === '\n') bad('unterminated string', start);
          const d = src[p]!;
          if (d === c) {
            p++;
            break;
          }
          if (d === '\\') {
            const e = src[p + 1] ?? '';
            if (e in SIMPLE_ESCAPES) {
              bytes.push(SIMPLE_ESCAPES[e]!);
              p += 2;
            } else if (e === '\\' || e === '?') {
              bytes.push(e.charCodeAt(0));
              p += 2;
            } else if (/[0-7]/.test(e)) {
              const oct = /^[0-7]{1,3}/.exec(src.slice(p + 1))![0];
              bytes.push(Number.parseInt(oct, 8) & 0xff);
              p += 1 + oct.length;
            } else if (e === 'x' && /^[0-9a-fA-F]/.test(src[p + 2] ?? '')) {
              const hex = /^[0-9a-fA-F]{1,2}/.exec(src.slice(p + 2))![0];
              bytes.push(Number.parseInt(hex, 16));
              p += 2 + hex.length;
            } else bad(`unknown escape '\\${e}' in a string`, p);
          } else {
            const cp = d.codePointAt(0)!;
            const ch = String.fromCodePoint(cp);
            bytes.push(...utf8Encoder.encode(ch));
            p += ch.length;
          }
        }
        out.push({ kind: 'string', text: utf8.decode(new Uint8Array(bytes)), at: start });
      } else {
        const m = /^[A-Za-z0-9_.+-]+/.exec(src.slice(p));
        if (!m) bad(`unexpected character '${c}'`, p);
        out.push({ kind: 'word', text: m![0], at: p });
        p += m![0].length;
      }
    }
    return out;
  }
}

function errorAt(src: string, at: number, message: string): TextFormatError {
  const before = src.slice(0, at).split('\n');
  return new TextFormatError(message, before.length, before.at(-1)!.length + 1);
}

/** A numeric literal (decimal, 0x hex, a float with an `f` suffix, inf, nan), or undefined for an identifier. */
function numberOf(word: string): number | undefined {
  const special = /^([-+]?)(inf|infinity|nan)f?$/i.exec(word);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!/^[-+]?(\d|\.\d)/.test(word)) return undefined;
  const n = Number(/^[-+]?0x/i.test(word) ? word : word.replace(/[fF]$/, ''));
  return Number.isNaN(n) ? undefined : n;
}
