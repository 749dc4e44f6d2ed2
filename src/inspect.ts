import { formatDiagnostic } from './diagnostics.js';
import {
  chapterWords,
  type Diagnostic,
  type Meta,
  type NotePlacement,
  type Story,
  storyWords,
} from './model.js';

/** What `ficbind inspect --json` prints: what the parser understood, in a stable shape. */
export interface InspectReport
  extends Pick<
    Meta,
    | 'title'
    | 'author'
    | 'pairing'
    | 'rating'
    | 'fandom'
    | 'tags'
    | 'summary'
    | 'disclaimer'
    | 'language'
    | 'series'
    | 'date'
  > {
  readonly slug: string;
  readonly source: string;
  readonly extra: readonly { label: string; value: string }[];
  readonly metaOrigin: Story['metaOrigin'];
  readonly words: number;
  readonly notes: readonly {
    id: string;
    label: string;
    text: string;
    chapter: number | null;
    placement: NotePlacement['kind'];
    line: number;
  }[];
  readonly chapters: readonly {
    number: number;
    title: string | null;
    heading: string | null;
    paragraphs: number;
    sceneBreaks: number;
    words: number;
    line: number;
  }[];
  readonly diagnostics: readonly {
    severity: Diagnostic['severity'];
    code: string;
    message: string;
    file: string;
    line: number | null;
    hint?: string;
  }[];
}

export function inspectReport(story: Story): InspectReport {
  const m = story.meta;
  return {
    slug: story.slug,
    source: story.source.path,
    title: m.title,
    author: m.author,
    pairing: m.pairing,
    rating: m.rating,
    fandom: m.fandom,
    tags: m.tags,
    summary: m.summary,
    disclaimer: m.disclaimer,
    language: m.language,
    series: m.series,
    date: m.date,
    extra: m.extra.map((e) => ({ label: e.label, value: e.value })),
    metaOrigin: story.metaOrigin,
    words: storyWords(story),
    notes: story.notes.map((n) => ({
      id: n.id,
      label: n.label,
      text: n.text,
      chapter: n.placement.kind === 'header' ? null : n.placement.chapter,
      placement: n.placement.kind,
      line: n.position.line,
    })),
    chapters: story.chapters.map((c) => ({
      number: c.number,
      title: c.title,
      heading: c.heading,
      paragraphs: c.blocks.filter((b) => b.kind === 'paragraph').length,
      sceneBreaks: c.blocks.filter((b) => b.kind === 'sceneBreak').length,
      words: chapterWords(c),
      line: c.position.line,
    })),
    diagnostics: story.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      file: d.file,
      line: d.line,
      ...(d.hint ? { hint: d.hint } : {}),
    })),
  };
}

const PLACEMENT: Record<NotePlacement['kind'], string> = {
  header: 'before the story',
  'chapter-start': 'start of chapter',
  'chapter-middle': 'in chapter',
  'chapter-end': 'end of chapter',
  inline: 'inside a paragraph of chapter',
};

function clip(text: string, width = 70): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The human-readable account of a parsed story. */
export function formatInspect(story: Story): string {
  const r = inspectReport(story);
  const lines: string[] = [];
  const field = (name: string, value: string | null | undefined, origin?: string) => {
    if (value)
      lines.push(`  ${name.padEnd(11)}${clip(value)}${origin && origin !== 'header' ? `  (${origin})` : ''}`);
  };
  lines.push(`${r.source}`);
  field('title', r.title, r.metaOrigin.title);
  field('author', r.author ?? '(none)', r.metaOrigin.author);
  field('pairing', r.pairing, r.metaOrigin.pairing);
  field('rating', r.rating);
  field('fandom', r.fandom);
  field('tags', r.tags.join(', '));
  field('summary', r.summary);
  field('disclaimer', r.disclaimer);
  field('language', r.language, r.metaOrigin.language);
  field(
    'series',
    r.series ? `${r.series.name}${r.series.index !== null ? ` #${r.series.index}` : ''}` : null,
  );
  field('date', r.date);
  for (const e of r.extra) field(e.label.toLowerCase(), e.value);
  lines.push(
    `  ${'words'.padEnd(11)}${r.words} in ${r.chapters.length} chapter${r.chapters.length === 1 ? '' : 's'}`,
  );
  lines.push('', '  chapters');
  for (const c of r.chapters) {
    const name = c.heading ?? `Chapter ${c.number} (no heading)`;
    lines.push(
      `    ${String(c.number).padStart(3)}. ${clip(name, 40).padEnd(40)} ${String(c.paragraphs).padStart(4)} paragraphs ${String(c.sceneBreaks).padStart(3)} breaks ${String(c.words).padStart(6)} words`,
    );
  }
  lines.push('', `  notes (${r.notes.length})`);
  for (const n of r.notes) {
    const where = n.chapter === null ? PLACEMENT[n.placement] : `${PLACEMENT[n.placement]} ${n.chapter}`;
    lines.push(`    ${n.label} — ${where}, line ${n.line}: ${clip(n.text, 50)}`);
  }
  if (story.diagnostics.length > 0) {
    lines.push('', `  diagnostics (${story.diagnostics.length})`);
    for (const d of story.diagnostics) lines.push(`    ${formatDiagnostic(d).replace(/\n/g, '\n    ')}`);
  }
  return lines.join('\n');
}
