import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { decode } from '../parse/decode.js';
import { STORY_FILE, sidecarCandidates, slugFromPath } from '../parse/index.js';
import { parseSidecar, splitFrontMatter } from '../parse/sidecar.js';
import { COVER_EXTENSIONS, coverImageNames } from '../render/cover/cover-files.js';
import type { FingerprintContext } from './fingerprint.js';

/**
 * The fast path of an incremental build. The main thread fingerprints a story's input files as bytes
 * (no parsing) and compares its books' size and modification time with what the last build recorded,
 * so an unchanged archive is confirmed without starting a worker or reading a book.
 */

export interface OutputStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What `manifest.json` remembers of a built story for the fast path. */
export interface CacheEntry {
  readonly inputs: string;
  readonly outputs: readonly OutputStamp[];
}

export type BuildCache = Map<string, CacheEntry>;

async function statOrNull(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await fs.stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}

/**
 * The files of each folder by lower-cased name, read once per build: a folder of a thousand stories was
 * read a thousand times, once for each story's cover candidates.
 */
export type FolderIndex = Map<string, Promise<Map<string, string[]>>>;

function namesIn(dir: string, index: FolderIndex): Promise<Map<string, string[]>> {
  let names = index.get(dir);
  if (!names) {
    names = fs.readdir(dir).then((entries) => {
      const byLower = new Map<string, string[]>();
      for (const e of entries) {
        const key = e.toLowerCase();
        byLower.set(key, [...(byLower.get(key) ?? []), e]);
      }
      return byLower;
    });
    index.set(dir, names);
  }
  return names;
}

/** Images in `dir` the cover maker may pick for these base names (case-insensitively, any cover extension). */
async function imagesNamed(dir: string, names: readonly string[], index: FolderIndex): Promise<string[]> {
  const files = await namesIn(dir, index);
  const wanted = new Set(names.flatMap((n) => COVER_EXTENSIONS.map((e) => `${n}.${e}`.toLowerCase())));
  return [...wanted].flatMap((w) => files.get(w) ?? []).map((e) => path.join(dir, e));
}

/** The `cover:` a sidecar or front matter names, if any. */
function declaredCover(yaml: string, file: string, firstLine = 1): string | null {
  const parsed = parseSidecar(yaml, file, firstLine);
  return parsed.ok && parsed.meta.cover ? parsed.meta.cover : null;
}

/** A file's bytes, or null when it does not exist (or is not a file). */
async function bytesOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch {
    return null;
  }
}

/**
 * Every file that can change a story's books, with its bytes (null: absent; adding it changes the book):
 * its text, its sidecar, and every image the cover maker may use (a `cover:` in the sidecar or front
 * matter, an image named as `coverImageNames` says). Each file is read once.
 */
async function inputFiles(source: string, index: FolderIndex): Promise<Map<string, Buffer | null>> {
  const folder = (await fs.stat(source)).isDirectory();
  const dir = folder ? source : path.dirname(source);
  const texts = folder
    ? [...(await namesIn(source, index)).values()]
        .flat()
        .filter((n) => STORY_FILE.test(n))
        .sort()
        .map((n) => path.join(source, n))
    : [source];
  const sidecars = sidecarCandidates(source, folder);
  const read = new Map<string, Buffer | null>();
  for (const file of [...texts, ...sidecars]) read.set(file, await bytesOrNull(file));
  const images = await imagesNamed(
    dir,
    coverImageNames(source, folder ? 'folder' : 'file', slugFromPath(source)),
    index,
  );
  for (const sidecar of sidecars) {
    const bytes = read.get(sidecar);
    const cover = bytes ? declaredCover(bytes.toString('utf8'), sidecar) : null;
    if (cover) images.push(cover);
  }
  const firstText = texts[0];
  const first = firstText === undefined ? null : read.get(firstText);
  if (firstText !== undefined && first) {
    // Decoded as the parser decodes it (BOM, UTF-16, line ends), so the hash sees the same front matter.
    const decoded = decode(first, firstText);
    const front = decoded.ok ? splitFrontMatter(decoded.text) : null;
    const cover = front ? declaredCover(front.yaml, firstText, 2) : null;
    if (cover) images.push(cover);
  }
  for (const image of images) if (!read.has(image)) read.set(image, await bytesOrNull(image));
  return read;
}

/**
 * One hash of what a story's books are made from: the bytes of its input files (and which candidate
 * files are absent), the build context, and the date the books will carry. Null when the story's
 * source cannot be read (the worker will report why). `index` is shared by the stories of one build.
 */
export async function inputsFingerprint(
  source: string,
  context: FingerprintContext,
  index: FolderIndex,
): Promise<string | null> {
  let files: Map<string, Buffer | null>;
  try {
    files = await inputFiles(source, index);
  } catch {
    return null;
  }
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ context, epoch: process.env.SOURCE_DATE_EPOCH ?? null }));
  for (const [file, bytes] of files) {
    hash.update(`\0${file}\0`);
    if (bytes === null) {
      hash.update('absent');
      continue;
    }
    // Without SOURCE_DATE_EPOCH the books carry the inputs' modification time, so it is part of the hash.
    if (process.env.SOURCE_DATE_EPOCH === undefined)
      hash.update(`${Math.floor(((await statOrNull(file))?.mtimeMs ?? 0) / 1000)}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

export async function stampOutputs(paths: readonly string[]): Promise<OutputStamp[] | null> {
  const stamps: OutputStamp[] = [];
  for (const p of paths) {
    const s = await statOrNull(p);
    if (s === null) return null;
    stamps.push({ path: p, size: s.size, mtimeMs: s.mtimeMs });
  }
  return stamps;
}

/** True when the cache says this story's books are up to date and they are on disk untouched. */
export async function upToDate(entry: CacheEntry | undefined, inputs: string | null): Promise<boolean> {
  if (entry === undefined || inputs === null || entry.inputs !== inputs) return false;
  for (const o of entry.outputs) {
    const s = await statOrNull(o.path);
    if (s === null || s.size !== o.size || s.mtimeMs !== o.mtimeMs) return false;
  }
  return true;
}

export function cacheRecord(cache: BuildCache): Record<string, CacheEntry> {
  return Object.fromEntries([...cache.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function newEntry(inputs: string, outputs: readonly OutputStamp[]): CacheEntry {
  return { inputs, outputs };
}
