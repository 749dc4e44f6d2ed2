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

  let controls = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (b === 0) {
      return {
        ok: false,
        error: diagnostic(
          'error',
          'binary-file',
          'is a binary file, not text (it contains NUL bytes)',
          file,
          lineOfOffset(body, i),
          'give ficbind a plain-text .txt file',
        ),
      };
    }
    if (isBinaryByte(b)) controls++;
  }
  if (body.length > 0 && controls / body.length > 0.05) {
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

  const bad = firstInvalidUtf8(body);
  if (bad === -1) {
    return {
      ok: true,
      text: normaliseLineEnds(new TextDecoder('utf-8').decode(body)),
      encoding: 'utf-8',
      diagnostics: [],
    };
  }
  const text = new TextDecoder('windows-1252').decode(body);
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
