import { describe, expect, it } from 'vitest';
import { decode } from '../src/parse/decode.js';

describe('decoding', () => {
  it('reads every windows-1252 byte as the character the code page defines', () => {
    // The code page's 0x80–0x9F row, from the published windows-1252 table (undefined bytes stay C1).
    const table = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const result = decode(bytes, 'x.txt');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.encoding).toBe('windows-1252');
      expect(result.text).toBe(table);
    }
    const latin = decode(Uint8Array.from([0x43, 0x61, 0x66, 0xe9]), 'x.txt');
    expect(latin.ok && latin.text).toBe('Café');
  });

  it('points the windows-1252 warning at the line of the first byte that is not UTF-8', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('one\ntwo\n'), 0x93, 0x68, 0x69, 0x94]);
    const warned = decode(bytes, 'x.txt');
    expect(warned.ok && warned.diagnostics[0]).toMatchObject({ code: 'decoded-windows-1252', line: 3 });
    expect(warned.ok && warned.text).toBe('one\ntwo\n“hi”');
  });

  it('refuses binary files with the line of the first NUL byte', () => {
    const result = decode(Uint8Array.from([0x61, 0x0a, 0x62, 0x00, 0x01]), 'bin.txt');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'binary-file', file: 'bin.txt', line: 2 });
  });

  it('decodes UTF-16 with a byte-order mark and normalises CRLF and CR', () => {
    const le = Uint8Array.from([
      0xff, 0xfe, 0x41, 0x00, 0x0d, 0x00, 0x0a, 0x00, 0x42, 0x00, 0x0d, 0x00, 0x43, 0x00,
    ]);
    const result = decode(le, 'u.txt');
    expect(result.ok && result.text).toBe('A\nB\nC');
    expect(result.ok && result.encoding).toBe('utf-16le');
  });
});
