import path from 'node:path';

/** Image files looked for next to a story, in this order of preference (kept apart from sharp, so the
 * build's main thread can list a story's possible covers without loading the image library). */
export const COVER_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'] as const;

/**
 * The names (without extension) an author's cover image may have: `cover` inside a story folder; beside
 * a story file, the file's own name and the story's slug. The cover maker looks for these, and the
 * build's change check watches them.
 */
export function coverImageNames(storyPath: string, kind: 'file' | 'folder', slug: string): string[] {
  if (kind === 'folder') return ['cover'];
  const base = path.basename(storyPath).replace(/\.[^.]+$/, '');
  return base === slug ? [slug] : [base, slug];
}
