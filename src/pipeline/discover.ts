import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { diagnostic } from '../diagnostics.js';
import { fileProblem } from '../file-problem.js';
import type { Diagnostic } from '../model.js';
import { STORY_FILE } from '../parse/index.js';

/**
 * Finds the stories under the given paths: `.txt` files, and story folders (a folder of chapter files).
 * A path that is a story folder itself (it holds `story.yaml`, or only chapter files) is one story; any
 * other folder is a collection whose `.txt` files and sub-folders are stories. Sorted, without repeats.
 */
export async function discoverStories(
  paths: readonly string[],
): Promise<{ stories: string[]; problems: Diagnostic[] }> {
  const found = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const p of paths) {
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(p);
    } catch (err) {
      problems.push(
        diagnostic(
          'error',
          'not-found',
          await fileProblem(p, err),
          p,
          null,
          'give .txt stories, story folders, or a folder of stories',
        ),
      );
      continue;
    }
    if (stat.isFile()) {
      if (STORY_FILE.test(p)) found.add(path.normalize(p));
      else
        problems.push(
          diagnostic(
            'error',
            'not-a-story',
            'is not a .txt story',
            p,
            null,
            'stories are .txt files or folders of .txt chapter files',
          ),
        );
      continue;
    }
    if (await isStoryFolder(p)) {
      found.add(path.normalize(p));
      continue;
    }
    const entries = (await fs.readdir(p, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(p, e.name);
      const entry = await kindOf(p, e);
      if (entry.kind === 'unreadable') {
        if (STORY_FILE.test(e.name))
          problems.push(
            diagnostic(
              'error',
              'broken-link',
              entry.problem,
              full,
              null,
              'point the link at the story, or remove it',
            ),
          );
      } else if (entry.kind === 'file' && STORY_FILE.test(e.name)) found.add(path.normalize(full));
      else if (entry.kind === 'folder' && (await hasChapterFiles(full))) found.add(path.normalize(full));
    }
  }
  return { stories: [...found].sort(), problems };
}

type Entry =
  | { readonly kind: 'file' | 'folder' | 'other' }
  | { readonly kind: 'unreadable'; readonly problem: string };

/**
 * What a folder entry is, following a symbolic link to what it points at (as reading the story will).
 * A link to the folder itself or to one holding it is left alone: it would make a story of every story
 * around it.
 */
async function kindOf(dir: string, e: Dirent): Promise<Entry> {
  if (e.isFile()) return { kind: 'file' };
  if (e.isDirectory()) return { kind: 'folder' };
  if (!e.isSymbolicLink()) return { kind: 'other' };
  const full = path.join(dir, e.name);
  try {
    const target = await fs.stat(full);
    if (target.isFile()) return { kind: 'file' };
    if (!target.isDirectory()) return { kind: 'other' };
    const [real, here] = await Promise.all([fs.realpath(full), fs.realpath(dir)]);
    const rel = path.relative(real, here);
    const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
    return outside ? { kind: 'folder' } : { kind: 'other' };
  } catch (err) {
    return { kind: 'unreadable', problem: await fileProblem(full, err) };
  }
}

/** A folder that holds `.txt` files (an unreadable one holds none that can be read). */
async function hasChapterFiles(dir: string): Promise<boolean> {
  return (await fs.readdir(dir).catch(() => [] as string[])).some((n) => STORY_FILE.test(n));
}

/** Chapter file names: `7.txt`, `chapter-7.txt`, `Ch 07.txt`, `part_2.txt`, `chapter-3-the-lock.txt`. */
const CHAPTER_FILE =
  /^(?:\d{1,4}|(?:chapter|chap|ch|part)[\s._-]*\d{1,4}(?:[\s._-].*)?|prologue|epilogue)\.(?:txt|text)$/i;

/**
 * A folder given on the command line is one story when it has a `story.yaml`, or when every text file in it
 * is named like a chapter and nothing else in it is a story of its own (a sub-folder holding `.txt` files).
 * Otherwise it is a folder of stories.
 */
async function isStoryFolder(dir: string): Promise<boolean> {
  const entries = await Promise.all(
    (await fs.readdir(dir, { withFileTypes: true })).map(async (e) => ({
      name: e.name,
      kind: (await kindOf(dir, e)).kind,
    })),
  );
  if (entries.some((e) => e.kind === 'file' && /^story\.ya?ml$/.test(e.name))) return true;
  const texts = entries.filter((e) => e.kind === 'file' && STORY_FILE.test(e.name));
  const sidecars = entries.filter((e) => e.kind === 'file' && /\.ya?ml$/.test(e.name));
  if (texts.length === 0 || sidecars.length > 0 || !texts.every((e) => CHAPTER_FILE.test(e.name)))
    return false;
  const folders = entries.filter((e) => e.kind === 'folder' && !e.name.startsWith('.'));
  const stories = await Promise.all(folders.map((e) => hasChapterFiles(path.join(dir, e.name))));
  return !stories.includes(true);
}
