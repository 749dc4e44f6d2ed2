import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR } from '../src/config.js';
import { UsageError } from '../src/diagnostics.js';
import {
  loadConfig,
  mergeOptions,
  optionsFromConfig,
  parseShard,
  resolveBuildOptions,
} from '../src/pipeline/options.js';
import { selectShard, shardOf } from '../src/pipeline/shard.js';

describe('resolveBuildOptions', () => {
  it('fills every default once and freezes the result', () => {
    const r = resolveBuildOptions({});
    expect(r).toMatchObject({
      paths: ['stories'],
      outDir: 'out',
      formats: ['epub', 'pdf'],
      pageSize: 'a5',
      templatesDir: DEFAULT_TEMPLATES_DIR,
      cover: true,
      typography: true,
      strict: false,
      force: false,
      shard: null,
    });
    expect(r.jobs).toBe(os.availableParallelism());
    expect(Object.isFrozen(r)).toBe(true);
    expect(resolveBuildOptions(r)).toBe(r);
  });

  it('reads formats and shards in either form, in a stable order', () => {
    expect(resolveBuildOptions({ formats: 'pdf, epub' }).formats).toEqual(['epub', 'pdf']);
    expect(resolveBuildOptions({ formats: ['pdf'] }).formats).toEqual(['pdf']);
    expect(resolveBuildOptions({ shard: '2/3' }).shard).toEqual({ index: 2, count: 3 });
    expect(parseShard({ index: 1, count: 1 })).toEqual({ index: 1, count: 1 });
  });

  it.each([
    [{ formats: 'mobi' }, '--format'],
    [{ formats: '' }, '--format'],
    [{ jobs: 0 }, '--jobs'],
    [{ jobs: 1.5 }, '--jobs'],
    [{ shard: '0/3' }, '--shard'],
    [{ shard: '4/3' }, '--shard'],
    [{ shard: 'half' }, '--shard'],
    [{ pageSize: 'b5' as never }, '--page-size'],
    [{ templates: 'no/such/templates' }, '--templates'],
  ])('refuses %o as a usage error naming %s', (options, flag) => {
    expect(() => resolveBuildOptions(options)).toThrow(UsageError);
    expect(() => resolveBuildOptions(options)).toThrow(flag);
  });
});

describe('config file', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-config-'));

  it('reads ficbind.config.yaml with paths relative to its folder, and flags override it', () => {
    const d = dir();
    fs.writeFileSync(
      path.join(d, 'ficbind.config.yaml'),
      'format: epub\ncover: false\nout: books\npaths: [archive]\npage-size: letter\njobs: 1\n',
    );
    const config = loadConfig(d);
    expect(config.file).toContain('ficbind.config.yaml');
    const resolved = resolveBuildOptions(
      mergeOptions(config.options, { out: 'elsewhere', cover: undefined }),
    );
    expect(resolved.formats).toEqual(['epub']);
    expect(resolved.cover).toBe(false);
    expect(resolved.pageSize).toBe('letter');
    expect(resolved.jobs).toBe(1);
    expect(resolved.outDir).toBe('elsewhere');
    expect(path.resolve(resolved.paths[0] as string)).toBe(path.join(d, 'archive'));
    expect(path.resolve(resolveBuildOptions(config.options).outDir)).toBe(path.join(d, 'books'));
  });

  it('reads the ficbind key of package.json when there is no config file', () => {
    const d = dir();
    fs.writeFileSync(
      path.join(d, 'package.json'),
      JSON.stringify({ name: 'x', ficbind: { format: ['pdf'] } }),
    );
    expect(loadConfig(d).options.formats).toEqual(['pdf']);
    fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name: 'x' }));
    expect(loadConfig(d)).toEqual({ file: null, options: {} });
  });

  it.each([
    ['colour: blue', 'unknown option "colour"'],
    ['cover: maybe', '"cover" must be true or false'],
    ['format: mobi', 'mobi'],
    ['- a list', 'mapping'],
    ['format: [epub', 'cannot be read'],
  ])('refuses "%s" naming the file', (yaml, message) => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'ficbind.config.yaml'), yaml);
    expect(() => loadConfig(d)).toThrow(UsageError);
    expect(() => loadConfig(d)).toThrow(message);
    expect(() => loadConfig(d)).toThrow('ficbind.config.yaml');
  });

  it('takes an empty config file as no options', () => {
    expect(optionsFromConfig(null, 'ficbind.config.yaml')).toEqual({});
  });
});

describe('shards', () => {
  it('split any set of stories into N slices that cover each story exactly once', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (names, count) => {
          const sources = names.map((n) => `stories/${n}.txt`);
          const slices = Array.from({ length: count }, (_, i) =>
            selectShard(sources, { index: i + 1, count }),
          );
          expect(slices.flat().sort()).toEqual([...sources].sort());
          for (const s of sources) expect(slices.filter((slice) => slice.includes(s))).toHaveLength(1);
        },
      ),
    );
  });

  it("depend only on a story's name, so adding stories never moves the others", () => {
    expect(shardOf('stories/a.txt', 4)).toBe(shardOf('elsewhere/a.txt', 4));
    const before = ['a', 'b', 'c', 'd', 'e'].map((n) => `s/${n}.txt`);
    const after = [...before, 's/f.txt', 's/g.txt'];
    for (const s of before) expect(selectShard(after, { index: shardOf(s, 3), count: 3 })).toContain(s);
  });
});
