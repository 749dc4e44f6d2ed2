import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'parse', name, 'input.txt');
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('ficbind build --watch', () => {
  it('builds, then rebuilds only the story that changed, until interrupted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-watch-'));
    fs.mkdirSync(path.join(dir, 'stories'));
    fs.copyFileSync(fixture('header-colon'), path.join(dir, 'stories', 'alpha.txt'));
    fs.copyFileSync(fixture('header-dash'), path.join(dir, 'stories', 'beta.txt'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        path.join(ROOT, 'src', 'cli.ts'),
        'build',
        '--watch',
        '--format',
        'epub',
        '--no-cover',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const waitFor = (pattern: RegExp, after = 0) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${stderr}`)), 40_000);
        const check = () => {
          if (pattern.test(stderr.slice(after))) {
            clearTimeout(timer);
            child.stderr?.off('data', check);
            resolve();
          }
        };
        child.stderr?.on('data', check);
        child.once('exit', () => reject(new Error(`ficbind exited early:\n${stderr}`)));
        check();
      });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor(/watching/);
      const out = path.join(dir, 'out');
      const alpha = sha256(path.join(out, 'alpha.epub'));
      const beta = sha256(path.join(out, 'beta.epub'));
      const mark = stderr.length;
      // Node's recursive watch on Linux adds its watches asynchronously: edit until the change is seen.
      const edit = () =>
        fs.appendFileSync(path.join(dir, 'stories', 'beta.txt'), '\nA line written while watching.\n');
      edit();
      const again = setInterval(() => !/changed:/.test(stderr.slice(mark)) && edit(), 1500);
      await waitFor(/changed: .*beta\.txt[\s\S]*built[\s\S]*watching/, mark).finally(() =>
        clearInterval(again),
      );
      const rebuilt = stderr.slice(mark);
      expect(rebuilt).toMatch(/✓ stories\/beta\.txt/);
      expect(rebuilt).toMatch(/= stories\/alpha\.txt .*unchanged/);
      expect(sha256(path.join(out, 'alpha.epub'))).toBe(alpha);
      expect(sha256(path.join(out, 'beta.epub'))).not.toBe(beta);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(fs.readdirSync(path.join(dir, 'out')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
