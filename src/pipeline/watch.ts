import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedBuildOptions } from './options.js';

export interface Watcher {
  close(): void;
}

/**
 * Runs `rebuild` whenever a story, sidecar, cover image or template under the build's paths changes
 * (Node's recursive `fs.watch`). Changes that arrive while a build runs start one more build after it;
 * a burst of changes within `debounceMs` starts one build. The output folder itself is ignored.
 */
export function watchInputs(
  options: ResolvedBuildOptions,
  rebuild: (changed: readonly string[]) => Promise<void>,
  debounceMs = 250,
): Watcher {
  const outDir = path.resolve(options.outDir);
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const run = async (): Promise<void> => {
    timer = null;
    if (running) return;
    while (changed.size > 0) {
      const batch = [...changed].sort();
      changed.clear();
      running = rebuild(batch);
      try {
        await running;
      } finally {
        running = null;
      }
    }
  };

  const note = (full: string) => {
    const resolved = path.resolve(full);
    const name = path.basename(resolved);
    if (name.startsWith('.') || name.endsWith('.tmp')) return;
    if (resolved === outDir || resolved.startsWith(`${outDir}${path.sep}`)) return;
    changed.add(path.relative(process.cwd(), resolved) || resolved);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  };

  const watchers: fs.FSWatcher[] = [];
  const targets = [...options.paths, options.templatesDir];
  for (const target of targets) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      continue;
    }
    if (stat.isDirectory()) {
      watchers.push(
        fs.watch(target, { recursive: true }, (_e, name) => name && note(path.join(target, name))),
      );
    } else {
      // A single story file: watch its folder, for the file itself and its sidecar; and, when the story
      // is a link, the folder of the file it points at, for that file.
      const dir = path.dirname(target);
      const stem = path.basename(target).replace(/\.[^.]+$/, '');
      watchers.push(
        fs.watch(dir, (_e, name) => {
          if (name && name.replace(/\.[^.]+$/, '') === stem) note(path.join(dir, name));
        }),
      );
      const real = fs.realpathSync(target);
      if (real !== fs.realpathSync(dir) + path.sep + path.basename(target)) {
        watchers.push(
          fs.watch(path.dirname(real), (_e, name) => {
            if (name === path.basename(real)) note(target);
          }),
        );
      }
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
