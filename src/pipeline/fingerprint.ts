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

/**
 * Every file under a folder, as sorted relative paths (forward slashes), found as the templates are read:
 * through links to files and to folders. A link back to a folder it is inside is not followed again.
 */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string, rel: string, above: ReadonlySet<string>): Promise<void> => {
    const real = await fs.realpath(folder);
    if (above.has(real)) return;
    const inside = new Set([...above, real]);
    for (const e of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, e.name);
      const relative = rel === '' ? e.name : `${rel}/${e.name}`;
      const target = e.isSymbolicLink() ? await fs.stat(full).catch(() => null) : e;
      if (target?.isFile()) files.push(relative);
      else if (target?.isDirectory()) await walk(full, relative, inside);
    }
  };
  await walk(dir, '', new Set());
  return files.sort();
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
