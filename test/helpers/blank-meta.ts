import type { Meta } from '../../src/model.js';

/** Story metadata with every optional field empty, for stories built by hand in tests. */
export function blankMeta(title: string, over: Partial<Meta> = {}): Meta {
  return {
    title,
    author: null,
    pairing: null,
    rating: null,
    fandom: null,
    tags: [],
    summary: null,
    disclaimer: null,
    language: 'en',
    series: null,
    date: null,
    source: null,
    extra: [],
    cover: null,
    coverColors: {},
    ...over,
  };
}
