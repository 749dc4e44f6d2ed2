import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { diagnostic, FicbindError } from '../diagnostics.js';
import { PRECOMPILED, PRECOMPILED_OPTIONS } from './precompiled-templates.js';
import { readFolders } from './template-folders.js';

/** How every template is compiled (scripts/bundle.mjs precompiles ficbind's own with the same). */
export const COMPILE_OPTIONS = { strict: true, noEscape: false } as const;

/** The specs made ahead of time, when they were compiled as we compile (else none are used). */
const precompiled =
  JSON.stringify(PRECOMPILED_OPTIONS) === JSON.stringify(COMPILE_OPTIONS) ? PRECOMPILED : new Map();

/** A template's text, compiled; from the spec made ahead of time when the text is ficbind's own. */
function compile(hbs: typeof Handlebars, text: string): Handlebars.TemplateDelegate {
  const spec =
    precompiled.size > 0 ? precompiled.get(createHash('sha256').update(text).digest('hex')) : undefined;
  return spec ? hbs.template(spec) : hbs.compile(text, COMPILE_OPTIONS);
}

/**
 * The templates of one folder, compiled once with their own Handlebars instance.
 * Templates are data: writers hand them a plain view-model; story text is only ever a value,
 * never compiled as a template. `strict` makes a misspelt variable fail loudly.
 */
export interface TemplateSet {
  /** Render `<name>.hbs` with a view-model. */
  render(name: string, view: object): string;
  /** A non-template asset from the folder (e.g. `style.css`), read once. */
  asset(name: string): string;
}

const cache = readFolders as Map<string, TemplateSet>;

export function loadTemplates(dir: string): TemplateSet {
  const resolved = path.resolve(dir);
  const cached = cache.get(resolved);
  if (cached) return cached;
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) {
    throw new FicbindError(
      diagnostic(
        'error',
        'templates-missing',
        'template folder not found',
        resolved,
        null,
        'copy the templates/ folder of ficbind and point --templates at the copy',
      ),
    );
  }
  const hbs = Handlebars.create();
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const assets = new Map<string, string>();
  const partialsDir = path.join(resolved, 'partials');
  if (fs.existsSync(partialsDir)) {
    for (const f of fs.readdirSync(partialsDir).sort()) {
      // Compiled here, as the templates are (strict, and from the spec made ahead of time when it is
      // ficbind's own): a partial registered as text would be compiled later without these options.
      if (f.endsWith('.hbs'))
        hbs.registerPartial(f.slice(0, -4), compile(hbs, fs.readFileSync(path.join(partialsDir, f), 'utf8')));
    }
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

  const set: TemplateSet = {
    asset(name) {
      let text = assets.get(name);
      if (text === undefined) {
        text = fs.readFileSync(path.join(resolved, name), 'utf8');
        assets.set(name, text);
      }
      return text;
    },
    render(name, view) {
      const file = path.join(resolved, `${name}.hbs`);
      let tpl = compiled.get(name);
      try {
        if (!tpl) {
          tpl = compile(hbs, fs.readFileSync(file, 'utf8'));
          compiled.set(name, tpl);
        }
        return tpl(view);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const line = /line (\d+)/.exec(message)?.[1];
        throw new FicbindError(
          diagnostic(
            'error',
            'template-error',
            `template ${name}.hbs failed: ${message.split('\n')[0]}`,
            file,
            line ? Number(line) : null,
            'check the variable names against the view-model documented at the top of the template',
          ),
        );
      }
    },
  };
  cache.set(resolved, set);
  return set;
}
