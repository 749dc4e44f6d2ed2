import path from 'node:path';
import { diagnostic, FicbindError } from '../diagnostics.js';
import { loadTemplates, type TemplateSet } from './templates.js';

/**
 * The words the book itself says (page titles, "Chapter 3", "End of Chapter 2", field names), kept in
 * `labels.json` beside the templates so that rewording them is a template edit, seen in both formats.
 * `{name}` in a label is filled from the values given to `fill`.
 */
const LABEL_KEYS = [
  'contents',
  'notes',
  'cover',
  'titlePage',
  'storyStart',
  'disclaimer',
  'coverAlt',
  'coverAltWithAuthor',
  'chapter',
  'wholeStory',
  'beforeStory',
  'startOf',
  'endOf',
  'within',
  'fandom',
  'pairing',
  'rating',
  'series',
  'seriesPart',
  'tags',
  'published',
  'source',
  'oneWord',
  'words',
  'oneChapter',
  'chapters',
  'untitled',
  'description',
  'descriptionWithAuthor',
  'accessibilitySummary',
  'accessibilityCover',
] as const;

export type LabelKey = (typeof LABEL_KEYS)[number];
export type Labels = Readonly<Record<LabelKey, string>>;

export const LABELS_FILE = 'labels.json';

/** Per templates folder as read (see `forgetTemplates`). */
const loaded = new WeakMap<TemplateSet, Labels>();

export function loadLabels(templatesDir: string): Labels {
  const file = path.join(path.resolve(templatesDir), LABELS_FILE);
  const templates = loadTemplates(templatesDir);
  const cached = loaded.get(templates);
  if (cached) return cached;
  const invalid = (message: string): never => {
    throw new FicbindError(
      diagnostic(
        'error',
        'labels-invalid',
        message,
        file,
        null,
        `copy ${LABELS_FILE} from ficbind's templates/ folder`,
      ),
    );
  };
  let data: unknown;
  try {
    data = JSON.parse(templates.asset(LABELS_FILE));
  } catch (err) {
    invalid(`cannot read ${LABELS_FILE}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    invalid(`${LABELS_FILE} must be an object`);
  const record = data as Record<string, unknown>;
  const missing = LABEL_KEYS.filter((k) => typeof record[k] !== 'string');
  if (missing.length > 0)
    invalid(`${LABELS_FILE} needs a text for ${missing.map((k) => `"${k}"`).join(', ')}`);
  const labels = Object.fromEntries(LABEL_KEYS.map((k) => [k, record[k] as string])) as Labels;
  loaded.set(templates, labels);
  return labels;
}

/** A label with its `{name}` placeholders filled in. */
export function fill(label: string, values: Readonly<Record<string, string | number>>): string {
  return label.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

const EN_NUMBER = new Intl.NumberFormat('en-US');

/** `one` or `many` (e.g. "{count} word", "{count} words") filled with `n`, grouped in thousands. */
export function counted(n: number, one: string, many: string): string {
  return fill(n === 1 ? one : many, { count: EN_NUMBER.format(n) });
}
