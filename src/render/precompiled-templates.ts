import type Handlebars from 'handlebars';

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/**
 * ficbind's own templates, compiled ahead of time: the bundled command (scripts/bundle.mjs) replaces
 * this module with the Handlebars spec of every `templates/*.hbs`, keyed by the sha256 of its text,
 * and the options they were compiled with. Compiling them at run time cost every process (and every
 * worker thread) about 35 ms. From the sources the map is empty and every template compiles when first
 * used; so does any template whose text is not one of these (a user's edited copy).
 */
export const PRECOMPILED_OPTIONS: object | null = null;
export const PRECOMPILED: ReadonlyMap<string, TemplateSpecification> = new Map();
