import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let loaded: Yaml | null = null;

/**
 * The yaml library, loaded when first needed: most builds read no YAML (no config file, no sidecars),
 * and loading it costs every process about 20 ms.
 */
export function yaml(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
