/**
 * Story → the book's pages. Builds a plain view-model from the Story (every string in it is story
 * text, escaped by the templates' `{{x}}`) and renders one Handlebars template per page kind.
 * The EPUB writer packages the resulting fragments; the PDF writer lays out the same fragments.
 *
 * Links between pages are always `<page id>.xhtml#<anchor>`; anchors are `ref-note-N` (where a note
 * stood) and `note-N` (the note in the appendix).
 */
import type { RenderOptions } from '../config.js';
import { diagnostic } from '../diagnostics.js';
import {
  assertNever,
  type Block,
  type Chapter,
  type Diagnostic,
  type Inline,
  type Note,
  type NotePlacement,
  paragraphText,
  type Story,
  storyWords,
} from '../model.js';
import { isNumberedLabel } from '../parse/markers.js';
import { counted, fill, type Labels, loadLabels } from './labels.js';
import { loadTemplates } from './templates.js';
import type { Page, PageKind } from './types.js';

/** File name of the cover image inside the book, next to the pages. */
export const COVER_FILE = 'cover.jpg';

// ---------------------------------------------------------------------------------------------
// View-model (documented again at the top of each template)

export interface NoteRefView {
  /** 1-based number shown as the marker. */
  readonly number: number;
  /** The note's label as written (`A/N`). */
  readonly label: string;
  /** `notes.xhtml#note-N` */
  readonly href: string;
  /** `ref-note-N` on the first reference to a note, null on any repeat (ids must be unique). */
  readonly refId: string | null;
}

export type SegmentView =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'br' }
  | { readonly kind: 'noteref'; readonly ref: NoteRefView };

export type BlockView =
  | { readonly kind: 'paragraph'; readonly segments: readonly SegmentView[] }
  | { readonly kind: 'sceneBreak'; readonly ornament: string; readonly written: boolean }
  | { readonly kind: 'noteref'; readonly ref: NoteRefView };

export interface FieldView {
  readonly label: string;
  readonly value: string;
}

export interface TitleView {
  readonly title: string;
  readonly author: string | null;
  readonly fields: readonly FieldView[];
  readonly summary: readonly string[] | null;
  readonly words: string;
  readonly chapters: string;
  readonly headerNotes: readonly NoteRefView[];
}

export interface ChapterView {
  readonly id: string;
  readonly number: number;
  /** Small line above the title (`Chapter One`), or null. */
  readonly label: string | null;
  /** The main heading line. */
  readonly title: string;
  readonly blocks: readonly BlockView[];
}

export interface ContentsEntryView {
  readonly href: string;
  readonly title: string;
}

export interface NoteView {
  readonly id: string;
  readonly number: number;
  readonly label: string;
  /** `Before the story`, `Start of Chapter 2`, … */
  readonly where: string;
  /** Link back to where the note stood. */
  readonly backHref: string;
  readonly paragraphs: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Text hygiene: XHTML cannot hold C0 control characters (except tab/newline), lone surrogates or U+FFFE/F.

const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One occurrence of `XML_INVALID` (a global regular expression keeps its place between calls). */
const XML_INVALID_ANY = new RegExp(XML_INVALID.source);

/**
 * A character `xmlSafeText` may change: a control character other than newline, a surrogate, U+FFFE/F.
 * Almost no text has one, and one scan for them is cheaper than the three replacements.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that may need cleaning
const UNUSUAL = /[\u0000-\u0009\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Story text made safe for XML: tabs and form feeds as spaces, CR dropped, other forbidden characters removed. */
export function xmlSafeText(text: string): string {
  if (!UNUSUAL.test(text)) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\v\f]/g, ' ')
    .replace(XML_INVALID, '');
}

/** Warnings for story text that cannot appear in XHTML as written. */
export function renderDiagnostics(story: Story): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (text: string | null, file: string, line: number | null, what: string): void => {
    if (text !== null && UNUSUAL.test(text) && XML_INVALID_ANY.test(text)) {
      out.push(
        diagnostic(
          'warning',
          'invalid-character',
          `${what} contains control characters that a book cannot hold; they were left out`,
          file,
          line,
          'save the story as plain UTF-8 text',
        ),
      );
    }
  };
  const file = story.source.path;
  const m = story.meta;
  for (const [k, v] of [
    ['title', m.title],
    ['author', m.author],
    ['summary', m.summary],
    ['disclaimer', m.disclaimer],
  ] as const)
    check(v, file, null, `the ${k}`);
  for (const ch of story.chapters) {
    for (const b of ch.blocks) {
      if (b.kind === 'paragraph') check(paragraphText(b), b.position.file, b.position.line, 'a paragraph');
    }
  }
  for (const n of story.notes) check(n.text, n.position.file, n.position.line, `note ${n.id}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Split text into paragraphs at blank lines, lines inside a paragraph joined by a space. */
function paragraphsOf(text: string): string[] {
  return xmlSafeText(text)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p.length > 0);
}

/** A separator as written is shown when it is short ornament-like text; otherwise a neutral ornament. */
function sceneOrnament(marker: string | null): { ornament: string; written: boolean } {
  const m = marker === null ? '' : xmlSafeText(marker).trim();
  if (m.length > 0 && m.length <= 24 && !/^[-_=~.]{4,}$/.test(m)) return { ornament: m, written: true };
  return { ornament: '\u2042', written: false };
}

export function chapterPageId(chapter: Chapter): string {
  return /^[A-Za-z][-A-Za-z0-9_]*$/.test(chapter.id) ? chapter.id : `ch-${chapter.number}`;
}

/** Per story, each chapter's reader number (see `readerNumber`), worked out in one pass. */
const readerNumbers = new WeakMap<Story, Map<number, number>>();

/**
 * The number a reader would give a chapter that has no heading: chapters named without a number
 * (`Prologue`, `Interlude`) do not count, so the chapter after `Prologue` and `Chapter 1` is 2.
 */
function readerNumber(story: Story, chapter: Chapter): number {
  let numbers = readerNumbers.get(story);
  if (!numbers) {
    numbers = new Map();
    let n = 0;
    for (const c of story.chapters) {
      const label = c.label ?? c.heading;
      if (label === null || isNumberedLabel(label)) n += 1;
      numbers.set(c.number, n);
    }
    readerNumbers.set(story, numbers);
  }
  return numbers.get(chapter.number) ?? chapter.number;
}

function chapterHeading(
  story: Story,
  chapter: Chapter,
  labels: Labels,
): { label: string | null; title: string } {
  const label = chapter.label ? xmlSafeText(chapter.label).trim() : null;
  const title = chapter.title ? xmlSafeText(chapter.title).trim() : null;
  const heading = chapter.heading ? xmlSafeText(chapter.heading).trim() : null;
  if (label && title && label !== title) return { label, title };
  if (title) return { label: null, title };
  if (heading) return { label: null, title: heading };
  if (label) return { label: null, title: label };
  if (story.chapters.length === 1) return { label: null, title: xmlSafeText(story.meta.title) };
  return { label: null, title: fill(labels.chapter, { number: readerNumber(story, chapter) }) };
}

/** How notes name a chapter: its marker as written (`Prologue`, `Chapter One`), else `Chapter N`. */
function chapterShortName(story: Story, chapterNo: number, labels: Labels): string {
  const chapter = story.chapters.find((c) => c.number === chapterNo);
  if (!chapter) return fill(labels.chapter, { number: chapterNo });
  const label = chapter.label ? xmlSafeText(chapter.label).trim() : '';
  if (label) return label;
  const heading = chapter.heading ? xmlSafeText(chapter.heading).trim() : '';
  if (heading && heading.length <= 40) return heading;
  return fill(labels.chapter, { number: readerNumber(story, chapter) });
}

/** The one-line name of a chapter for contents, outlines and running heads. */
export function chapterTitle(story: Story, chapter: Chapter, labels: Labels): string {
  const h = chapterHeading(story, chapter, labels);
  return h.label ? `${h.label}: ${h.title}` : h.title;
}

function placementChapter(p: NotePlacement): number | null {
  switch (p.kind) {
    case 'header':
      return null;
    case 'chapter-start':
    case 'chapter-middle':
    case 'chapter-end':
    case 'inline':
      return p.chapter;
    default:
      return assertNever(p, 'note placement');
  }
}

function describePlacement(story: Story, p: NotePlacement, labels: Labels): string {
  const single = story.chapters.length === 1;
  const name = (n: number): string => (single ? labels.wholeStory : chapterShortName(story, n, labels));
  switch (p.kind) {
    case 'header':
      return labels.beforeStory;
    case 'chapter-start':
      return fill(labels.startOf, { chapter: name(p.chapter) });
    case 'chapter-end':
      return fill(labels.endOf, { chapter: name(p.chapter) });
    case 'chapter-middle':
    case 'inline':
      return fill(labels.within, { chapter: name(p.chapter) });
    default:
      return assertNever(p, 'note placement');
  }
}

/** Note numbering and where each note's first reference ended up (page id), built once per story. */
class NoteIndex {
  private readonly numbers = new Map<string, number>();
  private readonly byId = new Map<string, Note>();
  /** note id → page id holding its `ref-note-N` anchor. */
  readonly refPage = new Map<string, string>();

  constructor(readonly notes: readonly Note[]) {
    notes.forEach((n, i) => {
      this.numbers.set(n.id, i + 1);
      this.byId.set(n.id, n);
    });
  }

  has(noteId: string): boolean {
    return this.byId.has(noteId);
  }

  /** The reference view for a note; the first call for a note (on `pageId`) claims its anchor. */
  ref(noteId: string, pageId: string): NoteRefView {
    const note = this.byId.get(noteId);
    const number = this.numbers.get(noteId) ?? 0;
    const first = !this.refPage.has(noteId);
    if (first) this.refPage.set(noteId, pageId);
    return {
      number,
      label: note ? xmlSafeText(note.label) : 'Note',
      href: `notes.xhtml#${anchorOf(noteId)}`,
      refId: first ? `ref-${anchorOf(noteId)}` : null,
    };
  }
}

/** Note ids become anchors; anything odd is made into a safe NCName. */
function anchorOf(noteId: string): string {
  return /^[A-Za-z][-A-Za-z0-9_.]*$/.test(noteId)
    ? noteId
    : `note-${noteId.replace(/[^-A-Za-z0-9_.]/g, '_')}`;
}

function segmentsOf(inlines: readonly Inline[], notes: NoteIndex, pageId: string): SegmentView[] {
  const out: SegmentView[] = [];
  for (const inline of inlines) {
    switch (inline.kind) {
      case 'text': {
        const lines = xmlSafeText(inline.text).split('\n');
        lines.forEach((line, i) => {
          if (i > 0) out.push({ kind: 'br' });
          if (line.length > 0) out.push({ kind: 'text', text: line });
        });
        break;
      }
      case 'noteRef':
        if (notes.has(inline.noteId)) out.push({ kind: 'noteref', ref: notes.ref(inline.noteId, pageId) });
        break;
      default:
        assertNever(inline, 'inline');
    }
  }
  // A paragraph's own line breaks at its very start or end carry nothing.
  while (out[0]?.kind === 'br') out.shift();
  while (out[out.length - 1]?.kind === 'br') out.pop();
  return out;
}

function blockView(block: Block, notes: NoteIndex, pageId: string): BlockView | null {
  switch (block.kind) {
    case 'paragraph': {
      const segments = segmentsOf(block.inlines, notes, pageId);
      return segments.length > 0 ? { kind: 'paragraph', segments } : null;
    }
    case 'sceneBreak':
      return { kind: 'sceneBreak', ...sceneOrnament(block.marker) };
    case 'noteRef':
      return notes.has(block.noteId) ? { kind: 'noteref', ref: notes.ref(block.noteId, pageId) } : null;
    default:
      return assertNever(block, 'block');
  }
}

function chapterView(story: Story, chapter: Chapter, notes: NoteIndex, labels: Labels): ChapterView {
  const id = chapterPageId(chapter);
  const blocks: BlockView[] = [];
  for (const b of chapter.blocks) {
    const v = blockView(b, notes, id);
    if (v) blocks.push(v);
  }
  // Every note of this chapter gets a marker, even when the parser recorded none in the text.
  const startMarkers: BlockView[] = [];
  for (const n of story.notes) {
    if (placementChapter(n.placement) !== chapter.number || notes.refPage.has(n.id)) continue;
    const ref: BlockView = { kind: 'noteref', ref: notes.ref(n.id, id) };
    if (n.placement.kind === 'chapter-start') startMarkers.push(ref);
    else blocks.push(ref);
  }
  return {
    id,
    number: chapter.number,
    ...chapterHeading(story, chapter, labels),
    blocks: [...startMarkers, ...blocks],
  };
}

function titleView(story: Story, notes: NoteIndex, labels: Labels): TitleView {
  const m = story.meta;
  const fields: FieldView[] = [];
  const add = (label: string, value: string | null): void => {
    const v = value === null ? '' : xmlSafeText(value).trim();
    if (v) fields.push({ label, value: v });
  };
  add(labels.fandom, m.fandom);
  add(labels.pairing, m.pairing);
  add(labels.rating, m.rating);
  if (m.series)
    add(
      labels.series,
      m.series.index === null
        ? m.series.name
        : fill(labels.seriesPart, { series: m.series.name, index: m.series.index }),
    );
  if (m.tags.length > 0) add(labels.tags, m.tags.join(', '));
  for (const e of m.extra) add(xmlSafeText(e.label).trim(), e.value);
  add(labels.published, m.date);
  add(labels.source, m.source);
  const headerNotes = story.notes
    .filter((n) => n.placement.kind === 'header')
    .map((n) => notes.ref(n.id, 'title'));
  const summary = m.summary ? paragraphsOf(m.summary) : [];
  return {
    title: xmlSafeText(m.title),
    author: m.author ? xmlSafeText(m.author) : null,
    fields,
    summary: summary.length > 0 ? summary : null,
    words: counted(storyWords(story), labels.oneWord, labels.words),
    chapters: counted(story.chapters.length, labels.oneChapter, labels.chapters),
    headerNotes,
  };
}

function noteView(story: Story, note: Note, index: number, notes: NoteIndex, labels: Labels): NoteView {
  const anchor = anchorOf(note.id);
  const refPage = notes.refPage.get(note.id);
  const chapterNo = placementChapter(note.placement);
  const chapter = chapterNo === null ? undefined : story.chapters.find((c) => c.number === chapterNo);
  const fallbackPage = chapter ? chapterPageId(chapter) : 'title';
  return {
    id: anchor,
    number: index + 1,
    label: xmlSafeText(note.label),
    where: describePlacement(story, note.placement, labels),
    backHref: refPage ? `${refPage}.xhtml#ref-${anchor}` : `${fallbackPage}.xhtml`,
    paragraphs: paragraphsOf(note.text),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The book's pages in reading order: cover (if `hasCover`), title, disclaimer (if any), contents,
 * chapters, and the appendix of author's notes (if any).
 */
export function renderPages(story: Story, options: RenderOptions, hasCover: boolean): Page[] {
  const t = loadTemplates(options.templatesDir);
  const labels = loadLabels(options.templatesDir);
  const notes = new NoteIndex(story.notes);
  const pages: Page[] = [];
  const page = (id: string, kind: PageKind, title: string, body: string, inToc: boolean): void => {
    pages.push({ id, kind, title, body: body.trim(), inToc });
  };
  const bookTitle = xmlSafeText(story.meta.title);
  const author = story.meta.author ? xmlSafeText(story.meta.author) : null;

  if (hasCover) {
    const alt = author
      ? fill(labels.coverAltWithAuthor, { title: bookTitle, author })
      : fill(labels.coverAlt, { title: bookTitle });
    page('cover', 'cover', labels.cover, t.render('cover', { src: COVER_FILE, alt }), false);
  }

  // Chapters are built before the title page renders so note anchors are claimed in reading order:
  // header notes on the title page first, then the chapters.
  const title = titleView(story, notes, labels);
  const chapters = story.chapters.map((c) => chapterView(story, c, notes, labels));

  page('title', 'title', bookTitle, t.render('title', title), false);
  if (story.meta.disclaimer && xmlSafeText(story.meta.disclaimer).trim()) {
    page(
      'disclaimer',
      'disclaimer',
      labels.disclaimer,
      t.render('disclaimer', { paragraphs: paragraphsOf(story.meta.disclaimer) }),
      false,
    );
  }

  const entries: ContentsEntryView[] = story.chapters.map((c) => ({
    href: `${chapterPageId(c)}.xhtml`,
    title: chapterTitle(story, c, labels),
  }));
  const hasNotes = story.notes.length > 0;
  const appendix: ContentsEntryView[] = hasNotes ? [{ href: 'notes.xhtml', title: labels.notes }] : [];
  page(
    'contents',
    'contents',
    labels.contents,
    t.render('contents', { title: labels.contents, chapters: entries, appendix }),
    false,
  );

  chapters.forEach((c, i) => {
    page(c.id, 'chapter', entries[i]?.title ?? c.title, t.render('chapter', c), true);
  });

  if (hasNotes) {
    const views = story.notes.map((n, i) => noteView(story, n, i, notes, labels));
    page('notes', 'notes', labels.notes, t.render('notes', { title: labels.notes, notes: views }), true);
  }
  return pages;
}
