import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Imports a ficbind module on demand, by its path relative to `from` without extension. Compiled, that
 * is the `.js` file beside it. From the TypeScript sources (the tests, `node --import tsx`), worker
 * threads do not see tsx's loader hooks for dynamic imports, so the `.ts` file goes through tsx's own
 * scoped importer instead.
 */
export async function loadModule<T>(relative: string, from: string): Promise<T> {
  const compiled = new URL(`${relative}.js`, from);
  if (existsSync(fileURLToPath(compiled))) return (await import(compiled.href)) as T;
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return (await tsImport(new URL(`${relative}.ts`, from).href, from)) as T;
}
