/**
 * The view-model of the EPUB package documents (OPF, NCX, navigation document): metadata, manifest,
 * spine, table of contents and landmarks, all derived from the Story and its pages, never from the
 * clock or randomness.
 */
import { createHash } from 'node:crypto';
import type { Story } from '../../model.js';
import { assertNever } from '../../model.js';
import { counted, fill, type Labels } from '../labels.js';
import { COVER_FILE, xmlSafeText } from '../pages.js';
import type { Page, PageKind } from '../types.js';

export interface ManifestItem {
  readonly id: string;
  readonly href: string;
  readonly mediaType: string;
  readonly properties: string | null;
}

export interface TocEntry {
  readonly title: string;
  readonly href: string;
}

export interface Landmark {
  readonly type: string;
  readonly title: string;
  readonly href: string;
}

export interface PackageView {
  readonly identifier: string;
  readonly title: string;
  readonly lang: string;
  readonly creators: readonly string[];
  readonly description: string;
  readonly subjects: readonly string[];
  readonly date: string | null;
  readonly source: string | null;
  readonly series: { readonly name: string; readonly index: number | null } | null;
  readonly modified: string;
  readonly accessibility: readonly { readonly property: string; readonly value: string }[];
  readonly cover: { readonly id: string } | null;
  readonly manifest: readonly ManifestItem[];
  readonly spine: readonly string[];
  readonly toc: readonly TocEntry[];
  readonly tocTitle: string;
  readonly landmarks: readonly Landmark[];
}

/** What goes into each page's XHTML wrapper. */
export interface PageDocView {
  readonly lang: string;
  readonly title: string;
  readonly bodyClass: string;
  readonly epubType: string | null;
  readonly body: string;
}

/**
 * A stable identifier for the story, a name-based (version 5 style, SHA-1) UUID of slug, title and
 * author: the same story always gets the same id, different stories different ones.
 */
export function storyIdentifier(story: Story): string {
  const h = createHash('sha1')
    .update('ficbind:story\0')
    .update(`${story.slug}\0${story.meta.title}\0${story.meta.author ?? ''}`)
    .digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `2024-05-01T12:00:00Z`: the form `dcterms:modified` requires. */
export function epubDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

const LANG_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

export function bookLanguage(story: Story): { lang: string; valid: boolean } {
  const l = story.meta.language.trim();
  return LANG_TAG.test(l) ? { lang: l, valid: true } : { lang: 'en', valid: false };
}

const W3CDTF = /^\d{4}(?:-\d{2}(?:-\d{2})?)?$/;

function clean(s: string | null): string | null {
  if (s === null) return null;
  const t = xmlSafeText(s).replace(/\s+/g, ' ').trim();
  return t.length > 0 ? t : null;
}

export function bookDescription(story: Story, words: number, labels: Labels): string {
  const summary = clean(story.meta.summary);
  if (summary) return summary;
  const author = clean(story.meta.author);
  return fill(author ? labels.descriptionWithAuthor : labels.description, {
    title: clean(story.meta.title) ?? labels.untitled,
    author: author ?? '',
    words: counted(words, labels.oneWord, labels.words),
    chapters: counted(story.chapters.length, labels.oneChapter, labels.chapters),
  });
}

function pageEpubType(kind: PageKind): string | null {
  switch (kind) {
    case 'cover':
      return 'cover';
    case 'title':
      return 'frontmatter';
    case 'disclaimer':
      return 'frontmatter';
    case 'contents':
      return 'frontmatter';
    case 'chapter':
      return 'bodymatter';
    case 'notes':
      return 'backmatter';
    default:
      return assertNever(kind, 'page kind');
  }
}

export function pageDocView(page: Page, lang: string): PageDocView {
  return {
    lang,
    title: page.title,
    bodyClass: `page-${page.kind}`,
    epubType: pageEpubType(page.kind),
    body: page.body,
  };
}

export function packageView(
  story: Story,
  pages: readonly Page[],
  opts: { lang: string; words: number; modified: Date; hasCover: boolean; labels: Labels },
): PackageView {
  const m = story.meta;
  const subjects: string[] = [];
  for (const s of [m.fandom, m.pairing, ...m.tags]) {
    const c = clean(s);
    if (c && !subjects.includes(c)) subjects.push(c);
  }
  const creators = m.author && clean(m.author) ? [clean(m.author) as string] : [];

  const manifest: ManifestItem[] = [
    { id: 'nav', href: 'toc.xhtml', mediaType: 'application/xhtml+xml', properties: 'nav' },
    { id: 'ncx', href: 'toc.ncx', mediaType: 'application/x-dtbncx+xml', properties: null },
    { id: 'css', href: 'style.css', mediaType: 'text/css', properties: null },
  ];
  if (opts.hasCover)
    manifest.push({
      id: 'cover-image',
      href: COVER_FILE,
      mediaType: 'image/jpeg',
      properties: 'cover-image',
    });
  for (const p of pages)
    manifest.push({
      id: `page-${p.id}`,
      href: `${p.id}.xhtml`,
      mediaType: 'application/xhtml+xml',
      properties: null,
    });

  const toc = pages.filter((p) => p.inToc).map((p) => ({ title: p.title, href: `${p.id}.xhtml` }));
  const landmarks: Landmark[] = [];
  const first = (kind: PageKind): Page | undefined => pages.find((p) => p.kind === kind);
  const cover = first('cover');
  if (cover) landmarks.push({ type: 'cover', title: opts.labels.cover, href: `${cover.id}.xhtml` });
  const title = first('title');
  if (title) landmarks.push({ type: 'titlepage', title: opts.labels.titlePage, href: `${title.id}.xhtml` });
  const contents = first('contents');
  if (contents) landmarks.push({ type: 'toc', title: opts.labels.contents, href: `${contents.id}.xhtml` });
  const ch = first('chapter');
  if (ch) landmarks.push({ type: 'bodymatter', title: opts.labels.storyStart, href: `${ch.id}.xhtml` });
  const notes = first('notes');
  if (notes) landmarks.push({ type: 'endnotes', title: notes.title, href: `${notes.id}.xhtml` });

  const accessibility = [
    { property: 'schema:accessMode', value: 'textual' },
    ...(opts.hasCover ? [{ property: 'schema:accessMode', value: 'visual' }] : []),
    { property: 'schema:accessModeSufficient', value: 'textual' },
    { property: 'schema:accessibilityFeature', value: 'structuralNavigation' },
    { property: 'schema:accessibilityFeature', value: 'tableOfContents' },
    { property: 'schema:accessibilityFeature', value: 'readingOrder' },
    ...(opts.hasCover ? [{ property: 'schema:accessibilityFeature', value: 'alternativeText' }] : []),
    { property: 'schema:accessibilityHazard', value: 'none' },
    {
      property: 'schema:accessibilitySummary',
      value: opts.hasCover
        ? `${opts.labels.accessibilitySummary} ${opts.labels.accessibilityCover}`
        : opts.labels.accessibilitySummary,
    },
  ];

  const date = m.date && W3CDTF.test(m.date.trim()) ? m.date.trim() : null;
  return {
    identifier: storyIdentifier(story),
    title: clean(m.title) ?? story.slug,
    lang: opts.lang,
    creators,
    description: bookDescription(story, opts.words, opts.labels),
    subjects,
    date,
    source: clean(m.source),
    series:
      m.series && clean(m.series.name)
        ? { name: clean(m.series.name) as string, index: m.series.index }
        : null,
    modified: epubDate(opts.modified),
    accessibility,
    cover: opts.hasCover ? { id: 'cover-image' } : null,
    manifest,
    spine: pages.map((p) => `page-${p.id}`),
    toc,
    tocTitle: opts.labels.contents,
    landmarks,
  };
}
