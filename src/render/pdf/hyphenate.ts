/**
 * Language-aware hyphenation points (Liang's patterns from the `hyphen` package), chosen by the
 * story's BCP 47 language tag and falling back to US English. The patterns are loaded once per
 * thread and the points are cached per word for the thread (bounded), as short stories share most
 * of their words.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ThreadCache } from '../thread-cache.js';

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

const patternNames = new Map<string, string>();

/** The pattern name used for a language tag (`en-GB` → `en-gb`, `pt-BR` → `pt`, `xx` → `en-us`). */
export function patternName(language: string): string {
  let name = patternNames.get(language);
  if (name === undefined) {
    name = findPatternName(language);
    patternNames.set(language, name);
  }
  return name;
}

function findPatternName(language: string): string {
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

/** Where the soft hyphens of `marked` stand in the text without them. */
function softHyphenOffsets(marked: string): number[] {
  const out: number[] = [];
  let removed = 0;
  for (let i = 0; i < marked.length; i++) {
    if (marked[i] === '\u00ad') {
      out.push(i - removed);
      removed++;
    }
  }
  return out;
}

/** Words whose points are kept per pattern set. */
const WORDS_KEPT = 1 << 16;

/** One pattern set with one minimum word length, for the life of the thread. */
export class Hyphenator {
  private readonly hyphenate: HyphenateSync;
  private readonly cache = new ThreadCache<readonly number[]>(WORDS_KEPT);

  constructor(
    pattern: string,
    private readonly minWordLength: number,
  ) {
    const mod = require(path.join(hyphenDir, 'patterns', `${pattern}.js`)) as unknown;
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
    if (text.includes('\u00ad')) out = softHyphenOffsets(text);
    else if (text.length >= this.minWordLength) {
      // Keep two letters on each side even where the patterns allow one.
      out = softHyphenOffsets(this.hyphenate(text)).filter((p) => p >= 2 && text.length - p >= 2);
    }
    this.cache.set(text, out);
    return out;
  }
}

const loaded = new Map<string, Hyphenator>();

/** The hyphenator of a language (see `patternName`) and minimum word length, made once per thread. */
export function hyphenatorFor(language: string, minWordLength: number): Hyphenator {
  const pattern = patternName(language);
  const key = `${pattern} ${minWordLength}`;
  let h = loaded.get(key);
  if (!h) {
    h = new Hyphenator(pattern, minWordLength);
    loaded.set(key, h);
  }
  return h;
}
