import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A ficbind module by its path relative to `from`, without extension: the compiled `.js` file beside it,
 * or, when ficbind runs from its TypeScript sources (the tests, `node --import tsx`), the `.ts` file.
 */
export function moduleFile(
  relative: string,
  from: string,
): { readonly url: string; readonly compiled: boolean } {
  const compiled = new URL(`${relative}.js`, from);
  return existsSync(fileURLToPath(compiled))
    ? { url: compiled.href, compiled: true }
    : { url: new URL(`${relative}.ts`, from).href, compiled: false };
}

/**
 * Imports a ficbind module on demand (see `moduleFile`). Worker threads do not see tsx's loader hooks for
 * dynamic imports, so a `.ts` file goes through tsx's own scoped importer.
 */
export async function loadModule<T>(relative: string, from: string): Promise<T> {
  const file = moduleFile(relative, from);
  if (file.compiled) return (await import(file.url)) as T;
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return (await tsImport(file.url, from)) as T;
}
