import type { Story } from '../../src/model.js';
import { paragraphText } from '../../src/model.js';

/** Words as `wc -w` counts them. */
export function words(text: string): string[] {
  return text.match(/\S+/g) ?? [];
}

/**
 * Every word the model took from the story's text: header metadata, extra fields, notes, chapter headings,
 * paragraphs and separators. Metadata from a sidecar or guessed from the file name is not story text.
 */
export function modelWords(story: Story): string[] {
  const m = story.meta;
  const out: string[] = [];
  const add = (t: string | null | undefined) => {
    if (t) out.push(...words(t));
  };
  const fromHeader = (key: keyof Story['meta']) => story.metaOrigin[key] === 'header';
  for (const key of [
    'title',
    'author',
    'pairing',
    'rating',
    'fandom',
    'summary',
    'disclaimer',
    'date',
    'source',
    'language',
  ] as const) {
    if (fromHeader(key)) add(m[key]);
  }
  if (fromHeader('series')) add(m.series?.name);
  if (fromHeader('tags')) out.push(...m.tags.flatMap(words));
  for (const e of m.extra) add(e.value);
  for (const n of story.notes) add(n.text);
  for (const c of story.chapters) {
    add(c.heading);
    for (const b of c.blocks) {
      if (b.kind === 'paragraph') add(paragraphText(b));
      else if (b.kind === 'sceneBreak') add(b.marker);
    }
  }
  return out;
}

/** Multiset difference: what `a` has that `b` has not (with multiplicity). */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const w of b) counts.set(w, (counts.get(w) ?? 0) + 1);
  const out: string[] = [];
  for (const w of a) {
    const n = counts.get(w) ?? 0;
    if (n > 0) counts.set(w, n - 1);
    else out.push(w);
  }
  return out;
}
