import fs from 'node:fs/promises';

/**
 * Why a file or folder could not be read or followed, in words, from the error Node gave for it:
 * "is a link to a file that does not exist", "is a folder", "cannot be read: permission denied", …
 */
export async function fileProblem(p: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT': {
      const link = await fs.lstat(p).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      return link ? 'is a link to a file that does not exist' : 'does not exist';
    }
    case 'ELOOP':
      return 'is a link that leads back to itself';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    default:
      return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
}
