/**
 * Language-aware hyphenation points (Liang's patterns from the `hyphen` package), chosen by the
 * story's BCP 47 language tag and falling back to US English. Results are cached per word.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const hyphenDir = path.dirname(require.resolve('hyphen/package.json'));

/** Tags whose plain form has no pattern file of its own. */
const ALIASES: Readonly<Record<string, string>> = {
  en: 'en-us',
  de: 'de-1996',
  el: 'el-monoton',
  mn: 'mn-cyrl',
  sr: 'sr-cyrl',
  sh: 'sh-latn',
  nb: 'nb',
  no: 'nb',
};

/** The pattern name used for a language tag (`en-GB` → `en-gb`, `pt-BR` → `pt`, `xx` → `en-us`). */
export function patternName(language: string): string {
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  const exists = (name: string): boolean => fs.existsSync(path.join(hyphenDir, 'patterns', `${name}.js`));
  if (tag && exists(tag)) return tag;
  const primary = tag.split('-')[0] ?? '';
  const alias = ALIASES[tag] ?? ALIASES[primary];
  if (alias && exists(alias)) return alias;
  if (primary && exists(primary)) return primary;
  return 'en-us';
}

type HyphenateSync = (text: string, options?: { hyphenChar?: string; minWordLength?: number }) => string;

export class Hyphenator {
  readonly pattern: string;
  private readonly hyphenate: HyphenateSync;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(
    language: string,
    private readonly minWordLength: number,
  ) {
    this.pattern = patternName(language);
    const mod = require(path.join(hyphenDir, 'patterns', `${this.pattern}.js`)) as unknown;
    const create = require(path.join(hyphenDir, 'hyphen.js')) as (
      patterns: unknown,
      options?: object,
    ) => HyphenateSync;
    this.hyphenate = create(mod, { minWordLength });
  }

  /**
   * Offsets in `text` where it may break with an added hyphen, ascending. Words with a soft hyphen
   * of their own keep only the author's points.
   */
  points(text: string): readonly number[] {
    const cached = this.cache.get(text);
    if (cached) return cached;
    let out: number[] = [];
    if (text.includes('\u00ad')) {
      let removed = 0;
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\u00ad') {
          out.push(i - removed);
          removed++;
        }
      }
    } else if (text.length >= this.minWordLength) {
      const marked = this.hyphenate(text);
      let removed = 0;
      for (let i = 0; i < marked.length; i++) {
        if (marked[i] === '\u00ad') {
          out.push(i - removed);
          removed++;
        }
      }
      // Keep two letters on each side even where the patterns allow one.
      out = out.filter((p) => p >= 2 && text.length - p >= 2);
    }
    this.cache.set(text, out);
    return out;
  }
}
