import fs from 'node:fs/promises';
import path from 'node:path';
import { diagnostic } from '../diagnostics.js';
import { fileProblem } from '../file-problem.js';
import type { Diagnostic, ExtraField, Meta, MetaOrigin, ParseResult, Story, StorySource } from '../model.js';
import { BodyBuilder } from './body.js';
import { decode } from './decode.js';
import { type HeaderField, languageTag, readHeader } from './header.js';
import { parseSidecar, type SidecarMeta, splitFrontMatter } from './sidecar.js';
import { splitUnits } from './units.js';

export interface SourceFile {
  /** Path shown in diagnostics. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface StoryInput {
  readonly slug: string;
  readonly source: StorySource;
  /** The story's text files, in chapter order (one for a `.txt` story, one per chapter for a folder). */
  readonly files: readonly SourceFile[];
  /** The sidecar YAML's path and text, when there is one. */
  readonly sidecar: { readonly path: string; readonly text: string } | null;
}

/** A path as the user should see it: relative to the working directory when it lies below it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** `My Story!.txt` → `My-Story`; the slug names the output files. */
export function slugFromPath(p: string): string {
  const base = storyStem(path.basename(p));
  return base.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'story';
}

/** A story's text file: `.txt` (or `.text`). */
export const STORY_FILE = /\.(txt|text)$/i;

/** A story file's path without its extension: where its sidecar and cover image sit. */
export function storyStem(storyFile: string): string {
  return storyFile.replace(STORY_FILE, '');
}

/** Where a story's sidecar may be, in order of preference: the first that exists is used. */
export function sidecarCandidates(source: string, isFolder: boolean): string[] {
  return isFolder
    ? ['story.yaml', 'story.yml'].map((n) => path.join(source, n))
    : ['.yaml', '.yml'].map((ext) => storyStem(source) + ext);
}

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Reads a story from disk: a `.txt` file (with an optional `<slug>.yaml` beside it) or a story folder. */
export async function parseStory(inputPath: string): Promise<ParseResult> {
  const shown = displayPath(inputPath);
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(inputPath);
  } catch (err) {
    const error = diagnostic(
      'error',
      'not-found',
      await fileProblem(inputPath, err),
      shown,
      null,
      'give the path of a .txt story or a story folder',
    );
    return { ok: false, error, diagnostics: [error] };
  }
  const slug = slugFromPath(inputPath);
  let read: SourcesRead | ParseResult;
  try {
    read = await readSources(inputPath, stat.isDirectory(), shown);
  } catch (err) {
    // A chapter or sidecar that cannot be read: a broken link, a folder named like a chapter, no permission.
    const file = (err as NodeJS.ErrnoException).path ?? inputPath;
    const error = diagnostic(
      'error',
      'unreadable',
      await fileProblem(file, err),
      displayPath(file),
      null,
      'fix or remove the file; a link must point at a file that exists',
    );
    return { ok: false, error, diagnostics: [error] };
  }
  if ('ok' in read) return read;
  const { files, sidecar, modified } = read;
  return parseInput({
    slug,
    source: {
      path: shown,
      kind: stat.isDirectory() ? 'folder' : 'file',
      files: files.map((f) => displayPath(f.path)),
      sidecar: sidecar?.path ?? null,
      modified,
    },
    files: files.map((f) => ({ path: displayPath(f.path), bytes: f.bytes })),
    sidecar,
  });
}

/** A file's bytes; its error names it (reading a folder fails without saying which). */
async function readNamed(p: string): Promise<Buffer> {
  try {
    return await fs.readFile(p);
  } catch (err) {
    (err as NodeJS.ErrnoException).path ??= p;
    throw err;
  }
}

/** A story's files as read from disk, its sidecar, and when the newest of them was changed. */
interface SourcesRead {
  readonly files: SourceFile[];
  readonly sidecar: { path: string; text: string } | null;
  readonly modified: string;
}

/** Reads a story's files and sidecar; throws the file system's error when one cannot be read. */
async function readSources(
  inputPath: string,
  isFolder: boolean,
  shown: string,
): Promise<SourcesRead | ParseResult> {
  let files: SourceFile[];
  if (isFolder) {
    const names = (await fs.readdir(inputPath)).filter((n) => STORY_FILE.test(n)).sort(naturalOrder.compare);
    if (names.length === 0) {
      const error = diagnostic(
        'error',
        'empty-folder',
        'story folder holds no .txt chapter files',
        shown,
        null,
        'put one .txt file per chapter in the folder',
      );
      return { ok: false, error, diagnostics: [error] };
    }
    files = await Promise.all(
      names.map(async (n) => ({
        path: path.join(inputPath, n),
        bytes: await readNamed(path.join(inputPath, n)),
      })),
    );
  } else {
    files = [{ path: inputPath, bytes: await readNamed(inputPath) }];
  }
  let sidecarPath: string | null = null;
  for (const candidate of sidecarCandidates(inputPath, isFolder)) {
    if (sidecarPath === null && (await exists(candidate))) sidecarPath = candidate;
  }
  const mtimes = await Promise.all(
    [...files.map((f) => f.path), ...(sidecarPath ? [sidecarPath] : [])].map(
      async (p) => (await fs.stat(p)).mtimeMs,
    ),
  );
  const modified = new Date(Math.floor(Math.max(...mtimes) / 1000) * 1000).toISOString();
  const sidecar = sidecarPath
    ? { path: displayPath(sidecarPath), text: await fs.readFile(sidecarPath, 'utf8') }
    : null;
  return { files, sidecar, modified };
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Parses text given in memory (tests, the library API); `file` names it in diagnostics. */
export function parseText(
  text: string | Uint8Array,
  file = 'story.txt',
  slug = slugFromPath(file),
): ParseResult {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return parseInput({
    slug,
    source: { path: file, kind: 'file', files: [file], sidecar: null, modified: new Date(0).toISOString() },
    files: [{ path: file, bytes }],
    sidecar: null,
  });
}

/** The parser proper: files and sidecar in, one `Story` (or an error) out. Pure: no I/O. */
export function parseInput(input: StoryInput): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const fail = (error: Diagnostic): ParseResult => ({
    ok: false,
    error,
    diagnostics: [...diagnostics, error],
  });

  let sidecarMeta: SidecarMeta = {};
  if (input.sidecar) {
    const result = parseSidecar(input.sidecar.text, input.sidecar.path);
    if (!result.ok) return fail(result.error);
    diagnostics.push(...result.diagnostics);
    sidecarMeta = result.meta;
  }

  const body = new BodyBuilder();
  const headerFields: HeaderField[] = [];
  let meta: HeaderMeta = { extra: [] };
  let sawText = false;
  for (const [index, file] of input.files.entries()) {
    const decoded = decode(file.bytes, file.path);
    if (!decoded.ok) return fail(decoded.error);
    diagnostics.push(...decoded.diagnostics);
    let text = decoded.text;
    let firstLine = 1;
    const front = index === 0 ? splitFrontMatter(text) : null;
    if (front) {
      const result = parseSidecar(front.yaml, file.path, 2);
      if (!result.ok) return fail(result.error);
      diagnostics.push(...result.diagnostics);
      sidecarMeta = { ...result.meta, ...sidecarMeta };
      text = front.body;
      firstLine = front.bodyFirstLine;
    }
    if (text.trim().length > 0) sawText = true;
    const units = splitUnits(text, file.path, firstLine);
    const { fields, consumed } = readHeader(units);
    if (input.files.length > 1) body.file({ file: file.path, line: units[0]?.position.line ?? 1 });
    if (index === 0) {
      // Header notes come first in reading order, so they are collected before the body.
      headerFields.push(...fields);
      meta = collectHeader(fields, body, diagnostics);
    } else for (const f of fields) body.leadingNote(f.label, f.value, f.position);
    for (const unit of units.slice(consumed)) body.unit(unit);
  }
  const storyFile = input.files[0]?.path ?? input.source.path;
  if (!sawText) {
    return fail(
      diagnostic(
        'error',
        'empty-story',
        'is empty: there is no text to make a book of',
        storyFile,
        null,
        'check that this is the right file',
      ),
    );
  }

  const built = body.finish();
  diagnostics.push(...built.diagnostics);
  const paragraphs = built.chapters.reduce(
    (n, c) => n + c.blocks.filter((b) => b.kind === 'paragraph').length,
    0,
  );
  if (paragraphs === 0) {
    const last = headerFields[headerFields.length - 1];
    return fail(
      diagnostic(
        'error',
        'no-story-text',
        'has a header but no story text after it',
        storyFile,
        last?.position.line ?? null,
        'add the story below the header, separated by a blank line',
      ),
    );
  }

  const origin: Partial<Record<keyof Meta, MetaOrigin>> = {};
  const pick = <K extends keyof SidecarMeta & keyof Meta>(
    key: K,
    fromHeader: SidecarMeta[K] | undefined,
  ): SidecarMeta[K] | undefined => {
    if (sidecarMeta[key] !== undefined) {
      origin[key] = 'sidecar';
      return sidecarMeta[key];
    }
    if (fromHeader !== undefined) origin[key] = 'header';
    return fromHeader;
  };
  const sidecarFile =
    input.sidecar?.path ??
    `${input.source.kind === 'folder' ? path.join(input.source.path, 'story') : storyStem(input.source.path)}.yaml`;

  let title = pick('title', meta.title);
  if (title === undefined) {
    title = input.slug.replace(/[_-]+/g, ' ').trim();
    origin.title = 'file-name';
    diagnostics.push(
      diagnostic(
        'warning',
        'title-guessed',
        `has no title; using "${title}" from the file name`,
        storyFile,
        null,
        `add a "Title: …" line at the top, or "title: …" in ${sidecarFile}`,
      ),
    );
  }
  const author = pick('author', meta.author) ?? null;
  if (author === null) {
    diagnostics.push(
      diagnostic(
        'warning',
        'author-missing',
        'has no author; the book will say "Anonymous"',
        storyFile,
        null,
        `add an "Author: …" line at the top, or "author: …" in ${sidecarFile}`,
      ),
    );
  }
  const language = pick('language', meta.language) ?? 'en';
  if (origin.language === undefined) origin.language = 'default';

  const story: Story = {
    slug: input.slug,
    source: input.source,
    meta: {
      title,
      author,
      pairing: pick('pairing', meta.pairing) ?? null,
      rating: pick('rating', meta.rating) ?? null,
      fandom: pick('fandom', meta.fandom) ?? null,
      tags: pick('tags', meta.tags) ?? [],
      summary: pick('summary', meta.summary) ?? null,
      disclaimer: pick('disclaimer', meta.disclaimer) ?? null,
      language,
      series: pick('series', meta.series) ?? null,
      date: pick('date', meta.date) ?? null,
      source: pick('source', meta.source) ?? null,
      extra: meta.extra,
      cover: sidecarMeta.cover ?? null,
      coverColors: sidecarMeta.coverColors ?? {},
    },
    metaOrigin: origin,
    chapters: built.chapters,
    notes: built.notes,
    diagnostics,
  };
  return { ok: true, story };
}

/** What the header block can say: the sidecar's fields but the cover ones, plus the extra fields. */
type HeaderMeta = Omit<SidecarMeta, 'cover' | 'coverColors'> & { extra: ExtraField[] };

/** Turns header fields into metadata and header notes. A field seen twice keeps its second value as an extra. */
function collectHeader(
  fields: readonly HeaderField[],
  body: BodyBuilder,
  diagnostics: Diagnostic[],
): HeaderMeta {
  const meta: HeaderMeta = { extra: [] };
  const extra = (f: HeaderField) => meta.extra.push({ label: f.label, value: f.value, position: f.position });
  for (const f of fields) {
    const kind = f.kind;
    if (kind === null || kind === 'note') {
      body.headerNote(f.label, f.value, f.position);
      continue;
    }
    switch (kind) {
      case 'extra':
        extra(f);
        break;
      case 'tags':
        if (meta.tags) extra(f);
        else meta.tags = f.value.split(/\s*[,;]\s*/).filter(Boolean);
        break;
      case 'language': {
        const tag = languageTag(f.value);
        if (tag && !meta.language) meta.language = tag;
        else {
          if (!tag)
            diagnostics.push(
              diagnostic(
                'warning',
                'language-unknown',
                `language "${f.value}" is not known; using "en"`,
                f.position.file,
                f.position.line,
                'write a tag such as en, fr, de or pt-BR',
              ),
            );
          extra(f);
        }
        break;
      }
      case 'series':
        if (meta.series) extra(f);
        else meta.series = { name: f.value, index: null };
        break;
      case 'date':
        if (meta.date || Number.isNaN(new Date(f.value).getTime())) extra(f);
        else meta.date = f.value;
        break;
      default:
        if (meta[kind] !== undefined) extra(f);
        else meta[kind] = f.value;
    }
  }
  return meta;
}
