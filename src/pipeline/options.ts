import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_TEMPLATES_DIR,
  FORMATS,
  type Format,
  PAGE_SIZE_NAMES,
  type PageSizeName,
} from '../config.js';
import { UsageError } from '../diagnostics.js';
import { yaml } from '../yaml.js';

/** A CI matrix slice: the `index`-th (1-based) of `count` stable slices of the stories. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Build options as a user gives them (library call, config file or command line). Every field is
 * optional; `resolveBuildOptions` fills the defaults once.
 */
export interface BuildOptions {
  /** `.txt` stories, story folders, or folders of stories. Default `['stories']`. */
  readonly paths?: readonly string[];
  /** Folder the books and `manifest.json` are written to. Default `out`. */
  readonly out?: string;
  /** `['epub', 'pdf']` or the same as a comma-separated string. Default both. */
  readonly formats?: readonly Format[] | string;
  /** Stories built at the same time. Default: the number of cores. */
  readonly jobs?: number;
  readonly pageSize?: PageSizeName;
  /** Folder of templates (a copy of ficbind's `templates/`). */
  readonly templates?: string;
  /** Make a cover. Default true. */
  readonly cover?: boolean;
  /** Curly quotes, em dashes and ellipses. Default true. */
  readonly typography?: boolean;
  /** Warnings fail the story. Default false. */
  readonly strict?: boolean;
  /** Rebuild stories even when nothing changed. Default false. */
  readonly force?: boolean;
  /** Build only one slice of the stories: `{ index: 1, count: 3 }` or `'1/3'`. */
  readonly shard?: Shard | string | null;
}

/** Build options with every default filled in; read-only. */
export interface ResolvedBuildOptions {
  readonly paths: readonly string[];
  readonly outDir: string;
  readonly formats: readonly Format[];
  readonly jobs: number;
  /** `jobs` was chosen by the user (flag or config file), not defaulted to the number of cores. */
  readonly jobsGiven: boolean;
  readonly pageSize: PageSizeName;
  readonly templatesDir: string;
  readonly cover: boolean;
  readonly typography: boolean;
  readonly strict: boolean;
  readonly force: boolean;
  readonly shard: Shard | null;
}

export const CONFIG_FILE_NAMES = ['ficbind.config.yaml', 'ficbind.config.yml'] as const;

export function parseFormats(value: readonly string[] | string, where = '--format'): Format[] {
  const list = typeof value === 'string' ? value.split(',') : [...value];
  const formats = list.map((f) => String(f).trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !FORMATS.includes(f as Format));
  if (bad.length > 0 || formats.length === 0) {
    throw new UsageError(
      `${where} takes ${FORMATS.join(', ')} or both separated by a comma, not "${list.join(',')}"`,
    );
  }
  // The order of the formats never changes what is made: keep ficbind's own order.
  return FORMATS.filter((f) => formats.includes(f));
}

export function parseShard(value: Shard | string, where = '--shard'): Shard {
  const shard =
    typeof value === 'string'
      ? (() => {
          const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
          return m ? { index: Number(m[1]), count: Number(m[2]) } : null;
        })()
      : value;
  if (
    shard === null ||
    !Number.isInteger(shard.index) ||
    !Number.isInteger(shard.count) ||
    shard.count < 1 ||
    shard.index < 1 ||
    shard.index > shard.count
  ) {
    throw new UsageError(
      `${where} takes I/N with 1 ≤ I ≤ N (the I-th of N slices, e.g. 2/4), not "${typeof value === 'string' ? value : `${value.index}/${value.count}`}"`,
    );
  }
  return { index: shard.index, count: shard.count };
}

function parseJobs(value: number, where = '--jobs'): number {
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new UsageError(
      `${where} takes a whole number of stories built at once (1 or more), not "${value}"`,
    );
  }
  return value;
}

/** Options that went through `resolveBuildOptions`: resolving them again returns them as they are. */
const resolvedOnes = new WeakSet<object>();

function isResolved(options: BuildOptions | ResolvedBuildOptions): options is ResolvedBuildOptions {
  return resolvedOnes.has(options);
}

/**
 * Fills in the defaults once and checks every value; a wrong value is a `UsageError` (exit code 2).
 * Options that are already resolved come back unchanged.
 */
export function resolveBuildOptions(options: BuildOptions | ResolvedBuildOptions = {}): ResolvedBuildOptions {
  if (isResolved(options)) return options;
  const pageSize = options.pageSize ?? 'a5';
  if (!PAGE_SIZE_NAMES.includes(pageSize)) {
    throw new UsageError(`--page-size takes one of ${PAGE_SIZE_NAMES.join(', ')}, not "${pageSize}"`);
  }
  const templatesDir = path.resolve(options.templates ?? DEFAULT_TEMPLATES_DIR);
  if (!fs.existsSync(templatesDir) || !fs.statSync(templatesDir).isDirectory()) {
    throw new UsageError(
      `--templates: no such folder ${options.templates} (copy ficbind's templates/ to start)`,
    );
  }
  const paths = options.paths && options.paths.length > 0 ? [...options.paths] : ['stories'];
  const resolved: ResolvedBuildOptions = Object.freeze({
    paths: Object.freeze(paths),
    outDir: options.out ?? 'out',
    formats: Object.freeze(parseFormats(options.formats ?? [...FORMATS])),
    jobs: parseJobs(options.jobs ?? os.availableParallelism()),
    jobsGiven: options.jobs !== undefined,
    pageSize,
    templatesDir,
    cover: options.cover ?? true,
    typography: options.typography ?? true,
    strict: options.strict ?? false,
    force: options.force ?? false,
    shard: options.shard ? parseShard(options.shard) : null,
  });
  resolvedOnes.add(resolved);
  return resolved;
}

/** The keys a config file may hold, as written there (the command line's names, or camelCase). */
const CONFIG_KEYS: Readonly<Record<string, keyof BuildOptions>> = {
  paths: 'paths',
  out: 'out',
  format: 'formats',
  formats: 'formats',
  jobs: 'jobs',
  'page-size': 'pageSize',
  pageSize: 'pageSize',
  templates: 'templates',
  cover: 'cover',
  typography: 'typography',
  strict: 'strict',
  force: 'force',
};

const PATH_KEYS = new Set<keyof BuildOptions>(['out', 'templates']);

/** A path written in a config file is relative to that file's folder; shown relative to the working directory. */
function configPath(base: string, p: string): string {
  const full = path.resolve(base, p);
  const rel = path.relative(process.cwd(), full);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? full : rel;
}

function configError(file: string, message: string): UsageError {
  return new UsageError(`${file}: ${message}`);
}

/** Checks a config object (from YAML or package.json) and turns it into build options. */
export function optionsFromConfig(raw: unknown, file: string): BuildOptions {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(file, 'the ficbind settings must be a mapping of option names to values');
  }
  const base = path.dirname(file);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = CONFIG_KEYS[key];
    if (name === undefined) {
      throw configError(file, `unknown option "${key}" (known: ${Object.keys(CONFIG_KEYS).join(', ')})`);
    }
    switch (name) {
      case 'paths': {
        const list = typeof value === 'string' ? [value] : value;
        if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
          throw configError(file, '"paths" must be a path or a list of paths');
        }
        out.paths = list.map((p: string) => configPath(base, p));
        break;
      }
      case 'formats':
        if (typeof value !== 'string' && !Array.isArray(value)) {
          throw configError(file, `"${key}" must be "epub", "pdf", "epub,pdf" or a list`);
        }
        out.formats = parseFormats(value as string | string[], `${file}: ${key}`);
        break;
      case 'jobs':
        out.jobs = parseJobs(Number(value), `${file}: jobs`);
        break;
      case 'cover':
      case 'typography':
      case 'strict':
      case 'force':
        if (typeof value !== 'boolean') throw configError(file, `"${key}" must be true or false`);
        out[name] = value;
        break;
      default:
        if (typeof value !== 'string') throw configError(file, `"${key}" must be text`);
        out[name] = PATH_KEYS.has(name) ? configPath(base, value) : value;
    }
  }
  return out as BuildOptions;
}

/**
 * Finds and reads the config in `dir`: `ficbind.config.yaml` (or `.yml`), else the `ficbind` key of
 * `package.json`. Paths in it are relative to the file's folder. No config gives `{ file: null }`.
 */
export function loadConfig(
  dir: string = process.cwd(),
  explicit?: string,
): { file: string | null; options: BuildOptions } {
  const candidates = explicit ? [explicit] : CONFIG_FILE_NAMES.map((n) => path.join(dir, n));
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      if (explicit) throw new UsageError(`--config: no such file ${explicit}`);
      continue;
    }
    const shown = path.relative(process.cwd(), file) || file;
    let raw: unknown;
    try {
      raw = file.endsWith('.json')
        ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>).ficbind
        : yaml().parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw configError(shown, `cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { file: shown, options: optionsFromConfig(raw, file) };
  }
  const pkg = path.join(dir, 'package.json');
  if (!explicit && fs.existsSync(pkg)) {
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(pkg, 'utf8'));
    } catch {
      return { file: null, options: {} };
    }
    if (data && typeof data === 'object' && 'ficbind' in data) {
      return {
        file: `${path.relative(process.cwd(), pkg) || pkg} (ficbind key)`,
        options: optionsFromConfig((data as { ficbind: unknown }).ficbind, pkg),
      };
    }
  }
  return { file: null, options: {} };
}

/** Options from a config file, overridden by those given explicitly (e.g. flags); `undefined` means "not given". */
export function mergeOptions(config: BuildOptions, overrides: BuildOptions): BuildOptions {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return merged as BuildOptions;
}
