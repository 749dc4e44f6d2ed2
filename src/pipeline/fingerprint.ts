import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** SHA-256 of a string, of bytes, or of bytes in pieces taken one after the other. */
export function sha256(bytes: Uint8Array | string | readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  if (typeof bytes === 'string' || bytes instanceof Uint8Array) hash.update(bytes);
  else for (const piece of bytes) hash.update(piece);
  return hash.digest('hex');
}

/** Every file under a folder, links to files included, as sorted relative paths (forward slashes). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(e.parentPath, e.name);
      const isFile = e.isFile() || (e.isSymbolicLink() && (await fs.stat(full).catch(() => null))?.isFile());
      return isFile ? path.relative(dir, full).split(path.sep).join('/') : null;
    }),
  );
  return files.filter((f): f is string => f !== null).sort();
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
