import type { Position } from '../model.js';
import { type Field, matchField } from './fields.js';
import { isSeparator, matchHeading } from './markers.js';
import type { Unit } from './units.js';

export interface HeaderField extends Field {
  readonly position: Position;
}

/**
 * Reads the labelled fields at the top of a story. The header ends at the first paragraph that is not a
 * labelled field. Made-up labels (`Pretty Please?-`) and weak ones (`Note:`) count only once a header is
 * under way and before a run of blank lines has closed it. A label with nothing after it (`Summary:`)
 * takes the next paragraph as its value.
 */
export function readHeader(units: readonly Unit[]): { fields: HeaderField[]; consumed: number } {
  const fields: HeaderField[] = [];
  let i = 0;
  while (i < units.length) {
    const unit = units[i] as Unit;
    if (matchHeading(unit.text) || isSeparator(unit.text)) break;
    const field = matchField(unit.text);
    if (!field) break;
    if (field.weak && (fields.length === 0 || unit.blankBefore >= 2)) break;
    const next = units[i + 1];
    if (
      field.value === '' &&
      next &&
      !matchField(next.text) &&
      !matchHeading(next.text) &&
      !isSeparator(next.text)
    ) {
      fields.push({ ...field, value: next.text, position: unit.position });
      i += 2;
      continue;
    }
    fields.push({ ...field, position: unit.position });
    i++;
  }
  return { fields, consumed: i };
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: 'en',
  french: 'fr',
  français: 'fr',
  spanish: 'es',
  español: 'es',
  german: 'de',
  deutsch: 'de',
  italian: 'it',
  italiano: 'it',
  portuguese: 'pt',
  português: 'pt',
  dutch: 'nl',
  russian: 'ru',
  русский: 'ru',
  polish: 'pl',
  polski: 'pl',
  swedish: 'sv',
  norwegian: 'nb',
  danish: 'da',
  finnish: 'fi',
  greek: 'el',
  ελληνικά: 'el',
  turkish: 'tr',
  czech: 'cs',
  hungarian: 'hu',
  indonesian: 'id',
  japanese: 'ja',
  chinese: 'zh',
  korean: 'ko',
};

/** `English` → `en`; a BCP 47 tag is kept; anything else is null. */
export function languageTag(value: string): string | null {
  const v = value.trim();
  if (/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/i.test(v)) return v.replace(/^[A-Z]+/, (s) => s.toLowerCase());
  return LANGUAGE_NAMES[v.toLowerCase()] ?? null;
}
