import fs from 'node:fs';
import path from 'node:path';

/**
 * The real stories ficbind exists for live outside the repository; CI points FICBIND_REAL_STORIES at
 * their folder. When it is set the tests on them must run (a missing folder is a failure, not a skip).
 */
export const REAL_STORIES_DIR = process.env.FICBIND_REAL_STORIES ?? null;

export function realStoryFiles(): string[] {
  if (REAL_STORIES_DIR === null) return [];
  if (!fs.existsSync(REAL_STORIES_DIR))
    throw new Error(`FICBIND_REAL_STORIES=${REAL_STORIES_DIR} does not exist`);
  const files = fs
    .readdirSync(REAL_STORIES_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => path.join(REAL_STORIES_DIR, f));
  if (files.length === 0) throw new Error(`FICBIND_REAL_STORIES=${REAL_STORIES_DIR} holds no .txt stories`);
  return files;
}

/** The project's own sample stories: every `.txt` file and every folder in `stories/`. */
export function sampleStoryPaths(root = 'stories'): string[] {
  return fs
    .readdirSync(root)
    .filter((f) => f.endsWith('.txt') || fs.statSync(path.join(root, f)).isDirectory())
    .sort()
    .map((f) => path.join(root, f));
}
