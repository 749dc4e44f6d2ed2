import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when the module at `from` runs from ficbind's TypeScript sources (the tests, `node --import tsx`). */
function fromSources(from: string): boolean {
  return from.endsWith('.ts');
}

/**
 * A ficbind module by its path relative to `from`, without extension: from the TypeScript sources the
 * `.ts` file, else the compiled `.js` file beside `from` (in the bundled CLI, the bundle's own file of
 * that name: the worker is `dist/worker.js` beside `dist/cli.js`).
 */
export function moduleFile(
  relative: string,
  from: string,
): { readonly url: string; readonly compiled: boolean } {
  if (fromSources(from)) return { url: new URL(`${relative}.ts`, from).href, compiled: false };
  const compiled = new URL(`${relative}.js`, from);
  if (!existsSync(fileURLToPath(compiled)))
    throw new Error(`ficbind is incomplete: ${compiled.href} is missing`);
  return { url: compiled.href, compiled: true };
}

/**
 * Imports a ficbind module on demand. Compiled code calls `load`, a plain `import()` of the module, which
 * the bundler follows into the bundle. Worker threads do not see tsx's loader hooks for dynamic imports, so
 * from the sources the `.ts` file (`relative` to `from`, see `moduleFile`) goes through tsx's own importer.
 */
export async function loadModule<T>(load: () => Promise<T>, relative: string, from: string): Promise<T> {
  if (!fromSources(from)) return load();
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<unknown>;
  };
  return (await tsImport(moduleFile(relative, from).url, from)) as T;
}
