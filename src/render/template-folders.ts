/**
 * The templates folders read so far in this thread, by resolved path. Kept apart from templates.ts so
 * that the pipeline can forget them without loading Handlebars.
 */
export const readFolders = new Map<string, unknown>();

/**
 * Drops every templates folder read so far, so the next `loadTemplates` reads the files again. What is
 * derived from a folder (its labels, its PDF theme) is kept per `TemplateSet` and goes with it. A build
 * calls this first: a process that builds more than once (`--watch`, the library) sees edited templates.
 */
export function forgetTemplates(): void {
  readFolders.clear();
}
