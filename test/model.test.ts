import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords } from '../src/model.js';

describe('countWords', () => {
  it('counts runs of non-whitespace, as wc -w and /\\S+/g do', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  one\ttwo\u00a0three\u2003four\n')).toBe(4);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(countWords(text)).toBe(text.match(/\S+/g)?.length ?? 0);
      }),
      { numRuns: 2000 },
    );
  });
});
