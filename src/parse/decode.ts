import { isUtf8 } from 'node:buffer';
import { diagnostic } from '../diagnostics.js';
import type { Diagnostic } from '../model.js';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export type Decoded =
  | {
      readonly ok: true;
      readonly text: string;
      readonly encoding: Encoding;
      readonly diagnostics: Diagnostic[];
    }
  | { readonly ok: false; readonly error: Diagnostic };

/** Bytes that never appear in text: NUL and the C0 controls other than tab, LF, VT, FF, CR and ESC. */
function isBinaryByte(b: number): boolean {
  return b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b;
}

function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Index of the first byte that breaks UTF-8, or -1 when all of `bytes` is valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * windows-1252's 0x80–0x9F (curly quotes, dashes, ellipsis, euro sign). Node's TextDecoder treats the label
 * as latin1 and turns these bytes into invisible C1 controls, so we map them ourselves. The five bytes
 * windows-1252 leaves undefined keep their C1 code point.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] as number) : b);
  }
  return out;
}

/** CRLF and lone CR become LF, so every later stage sees one kind of line end. */
export function normaliseLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Turns a file's bytes into text without ever mangling it: UTF-8 (with or without BOM), UTF-16 with a BOM,
 * or — when the bytes are not valid UTF-8 — windows-1252 with a warning. Binary files are refused.
 */
export function decode(bytes: Uint8Array, file: string): Decoded {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    const encoding: Encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
      if (text.includes('\u0000')) {
        return {
          ok: false,
          error: diagnostic(
            'error',
            'binary-file',
            'is not text: it contains NUL characters (UTF-32, or a binary file)',
            file,
            null,
            'save the story as UTF-8 text',
          ),
        };
      }
      return { ok: true, text: normaliseLineEnds(text), encoding, diagnostics: [] };
    } catch {
      return {
        ok: false,
        error: diagnostic(
          'error',
          'invalid-utf16',
          `starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}`,
          file,
          null,
          'save the story as UTF-8 text',
        ),
      };
    }
  }
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;

  const nul = body.indexOf(0);
  if (nul !== -1) {
    return {
      ok: false,
      error: diagnostic(
        'error',
        'binary-file',
        'is a binary file, not text (it contains NUL bytes)',
        file,
        lineOfOffset(body, nul),
        'give ficbind a plain-text .txt file',
      ),
    };
  }
  // Control bytes are judged on a sample: text has almost none, binary formats are full of them.
  const sample = body.subarray(0, 65536);
  let controls = 0;
  for (let i = 0; i < sample.length; i++) if (isBinaryByte(sample[i] as number)) controls++;
  if (sample.length > 0 && controls / sample.length > 0.05) {
    return {
      ok: false,
      error: diagnostic(
        'error',
        'binary-file',
        'is a binary file, not text (too many control bytes)',
        file,
        null,
        'give ficbind a plain-text .txt file',
      ),
    };
  }

  if (isUtf8(body)) {
    return {
      ok: true,
      text: normaliseLineEnds(new TextDecoder('utf-8').decode(body)),
      encoding: 'utf-8',
      diagnostics: [],
    };
  }
  // Not UTF-8 (Node's native check said so); the scan below only finds where, for the warning's line.
  const bad = Math.max(0, firstInvalidUtf8(body));
  const text = decodeWindows1252(body);
  return {
    ok: true,
    text: normaliseLineEnds(text),
    encoding: 'windows-1252',
    diagnostics: [
      diagnostic(
        'warning',
        'decoded-windows-1252',
        `is not valid UTF-8 (byte 0x${(body[bad] as number).toString(16).padStart(2, '0')}); read it as windows-1252`,
        file,
        lineOfOffset(body, bad),
        'check the accented letters and quotes in the book, and save the file as UTF-8 to silence this warning',
      ),
    ],
  };
}
