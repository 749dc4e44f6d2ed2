/** What the benchmark and the profiler share: the project's folders, a fresh build, the real stories. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORK = path.join(ROOT, 'bench', 'work');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Compiles ficbind when `dist/` is missing or older than its sources (the templates are compiled into it). */
export function ensureCompiled(): void {
  const sources = ['src', 'scripts', 'templates', 'tsconfig.json', 'tsconfig.build.json', 'package.json']
    .map((p) => path.join(ROOT, p))
    .filter((p) => existsSync(p));
  const stale = !existsSync(CLI) || Math.max(...sources.map(newestMtime)) > statSync(CLI).mtimeMs;
  if (!stale) return;
  log('dist/ is missing or older than src/: npm run compile');
  const r = spawnSync('npm', ['run', 'compile', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  // tsc stops the compile before the bundle is made: dist/cli.js would still be the old command.
  if (r.status !== 0) throw new Error('npm run compile failed: fix its errors, then benchmark');
}

/** The real stories: `FICBIND_REAL_STORIES`, else the folder CI uses beside the checkout, else the samples. */
export async function realStories(): Promise<{ paths: string[]; label: string; note: string | null }> {
  const candidates = [process.env.FICBIND_REAL_STORIES, path.join(ROOT, '..', 'shared', 'stories')];
  for (const dir of candidates) {
    if (!dir || !existsSync(dir)) continue;
    const names = (await fs.readdir(dir)).filter((n) => /\.txt$/i.test(n)).sort();
    if (names.length > 0)
      return {
        paths: names.map((n) => path.join(dir, n)),
        label: `${names.length} real stories`,
        note: null,
      };
  }
  const samples = path.join(ROOT, 'stories');
  const names = (await fs.readdir(samples)).filter((n) => !/\.ya?ml$/i.test(n)).sort();
  return {
    paths: names.map((n) => path.join(samples, n)),
    label: `${names.length} sample stories`,
    note: 'No real stories found (set FICBIND_REAL_STORIES to their folder): the "real stories" case used the sample stories in stories/.',
  };
}
