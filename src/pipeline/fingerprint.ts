import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Story } from '../model.js';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file under a folder, as sorted relative paths (forward slashes). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** One hash of a templates folder: every file's name and bytes. */
export async function hashFolder(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of await filesUnder(dir)) {
    hash.update(`${rel}\0`);
    hash.update(await fs.readFile(path.join(dir, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** What, besides the story's own files, decides the bytes of its books. */
export interface FingerprintContext {
  /** ficbind's version: a new ficbind may make different books. */
  readonly version: string;
  /** `hashFolder` of the templates in use. */
  readonly templates: string;
  /** The options that change the books (formats, page size, cover, typography, strict). */
  readonly settings: Readonly<Record<string, unknown>>;
}

async function fileHash(file: string): Promise<string> {
  try {
    return sha256(await fs.readFile(file));
  } catch {
    return 'missing';
  }
}

/**
 * The content hash of a story's books: its text files, sidecar and cover image (bytes, not dates), the
 * date stamped into the books (SOURCE_DATE_EPOCH or the inputs' time), the templates, the options and
 * ficbind's version. Equal hashes mean the books would come out byte for byte the same.
 */
export async function storyFingerprint(story: Story, context: FingerprintContext): Promise<string> {
  const inputs: [string, string][] = [];
  for (const file of story.source.files) inputs.push([`text:${file}`, await fileHash(file)]);
  if (story.source.sidecar)
    inputs.push([`sidecar:${story.source.sidecar}`, await fileHash(story.source.sidecar)]);
  if (story.meta.cover) inputs.push([`cover:${story.meta.cover}`, await fileHash(story.meta.cover)]);
  return sha256(
    JSON.stringify({
      ficbind: context.version,
      templates: context.templates,
      settings: context.settings,
      date: process.env.SOURCE_DATE_EPOCH ?? story.source.modified,
      slug: story.slug,
      inputs,
    }),
  );
}
