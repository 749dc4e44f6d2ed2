/** Builds stopped mid-way (Ctrl-C, SIGKILL) leave no half-written book and no stray temporary file. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bigStory,
  expectOnlyCompleteBooks,
  ficbind,
  fixture,
  project,
  spawnFicbind,
} from './helpers/pipeline.js';

describe('an interrupted build', () => {
  /** Starts a build of a big story and two small ones, and stops it with `signal` as its first book is being written. */
  async function interrupt(signal: NodeJS.Signals): Promise<{ dir: string; out: string; sawTemp: boolean }> {
    const dir = project({ 'b-small.txt': fixture('header-colon'), 'c-small.txt': fixture('header-dash') });
    fs.writeFileSync(path.join(dir, 'stories', 'a-big.txt'), bigStory(200_000, 7));
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const child = spawnFicbind(dir, 'build', '--format', 'epub', '--no-cover', '--jobs', '1');
    let sawTemp = false;
    const watcher = fs.watch(out, (_event, name) => {
      if (name?.endsWith('.tmp') && !sawTemp) {
        sawTemp = true;
        child.kill(signal);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // If the temporary file came and went unseen, stop the build once its first book is in place.
    const poll = setInterval(() => {
      if (fs.readdirSync(out).some((n) => n.endsWith('.epub'))) child.kill(signal);
    }, 5);
    const code = await exited;
    clearInterval(poll);
    watcher.close();
    expect(code).not.toBe(0);
    // Stopped mid-way: the manifest, written last, is not there.
    expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(false);
    if (process.env.FICBIND_DEBUG) console.log(`${signal}: stopped while writing a book: ${sawTemp}`);
    return { dir, out, sawTemp };
  }

  it('leaves no temporary file and no half-written book after Ctrl-C (SIGINT)', async () => {
    const { out } = await interrupt('SIGINT');
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expectOnlyCompleteBooks(out);
  });

  it('leaves no half-written book after SIGKILL, and the next build clears its temporary files', async () => {
    const { dir, out } = await interrupt('SIGKILL');
    await expectOnlyCompleteBooks(out);
    const r = ficbind(dir, 'build', '--format', 'epub', '--no-cover');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      'a-big.epub',
      'b-small.epub',
      'c-small.epub',
      'manifest.json',
    ]);
    await expectOnlyCompleteBooks(out);
  });

  it('a later build removes temporary files of dead processes but not of running ones', () => {
    const dir = project({ 'alpha.txt': fixture('header-colon') });
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    fs.writeFileSync(path.join(out, `.alpha.epub.${dead}.0.tmp`), 'half a book');
    fs.writeFileSync(path.join(out, `.alpha.pdf.${process.pid}.0.tmp`), 'being written');
    expect(ficbind(dir, 'build', '--format', 'epub', '--no-cover').code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([
      `.alpha.pdf.${process.pid}.0.tmp`,
      'alpha.epub',
      'manifest.json',
    ]);
  });
});
