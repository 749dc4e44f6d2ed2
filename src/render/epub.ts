/**
 * The EPUB 3 writer: the pages from `renderPages`, packaged by epub-gen-memory with our own package
 * templates (see epub/ejs-templates.ts), then re-packed so the same story gives the same bytes.
 */
import { EPub } from 'epub-gen-memory';
import type JSZip from 'jszip';
import type { RenderOptions } from '../config.js';
import { diagnostic } from '../diagnostics.js';
import { type Diagnostic, type Story, storyWords } from '../model.js';
import { repackDeterministic } from './epub/deterministic-zip.js';
import { CHAPTER_XHTML, CONTENT_OPF, TOC_NCX, TOC_XHTML } from './epub/ejs-templates.js';
import { bookLanguage, packageView, pageDocView } from './epub/package-view.js';
import { loadLabels } from './labels.js';
import { COVER_FILE, renderPages } from './pages.js';
import { loadTemplates } from './templates.js';
import type { CoverImage, Page, WriterResult } from './types.js';

/**
 * epub-gen-memory, with the parts that are not reproducible or that we do ourselves switched off:
 * the cover is written from memory under a fixed name, and the zip is handed out for re-packing.
 */
class BookEpub extends EPub {
  #cover: Buffer | null = null;

  withCover(jpeg: Buffer | null): this {
    this.#cover = jpeg;
    return this;
  }

  protected override async makeCover(): Promise<void> {
    if (this.#cover) this.zip.folder('OEBPS')?.file(COVER_FILE, this.#cover);
  }

  async files(): Promise<JSZip> {
    await this.render();
    return this.zip;
  }
}

export async function writeEpub(
  story: Story,
  options: RenderOptions,
  cover: CoverImage | null,
  pages: readonly Page[] = renderPages(story, options, cover !== null),
): Promise<WriterResult> {
  const diagnostics: Diagnostic[] = [];
  const { lang, valid } = bookLanguage(story);
  if (!valid) {
    diagnostics.push(
      diagnostic(
        'warning',
        'invalid-language',
        `language "${story.meta.language}" is not a language tag; the book says "en"`,
        story.source.path,
        null,
        'use a BCP 47 tag such as en, de or pt-BR',
      ),
    );
  }
  const hasCover = cover !== null;
  const words = storyWords(story);
  const labels = loadLabels(options.templatesDir);
  const book = packageView(story, pages, { lang, words, modified: options.buildDate, hasCover, labels });
  const css = loadTemplates(options.templatesDir).asset('style.css');

  const epub = new BookEpub(
    {
      title: book.title,
      author: [...book.creators],
      description: book.description,
      lang,
      css,
      date: options.buildDate.toISOString(),
      tocTitle: book.tocTitle,
      prependChapterTitles: false,
      numberChaptersInTOC: false,
      chapterXHTML: CHAPTER_XHTML,
      contentOPF: CONTENT_OPF,
      tocNCX: TOC_NCX,
      tocXHTML: TOC_XHTML,
      version: 3,
      verbose: false,
      // Not an option of the library: the view our package templates read.
      book,
    } as ConstructorParameters<typeof EPub>[0],
    pages.map((p) => ({
      title: p.title,
      filename: `${p.id}.xhtml`,
      // The page goes through our template untouched (the library's HTML clean-up would re-serialise it).
      content: '',
      page: pageDocView(p, lang),
    })),
  ).withCover(cover?.jpeg ?? null);

  const zip = await epub.files();
  const order = [
    'META-INF/container.xml',
    'OEBPS/content.opf',
    'OEBPS/toc.xhtml',
    'OEBPS/toc.ncx',
    'OEBPS/style.css',
    ...(hasCover ? [`OEBPS/${COVER_FILE}`] : []),
    ...pages.map((p) => `OEBPS/${p.id}.xhtml`),
  ];
  const bytes = await repackDeterministic(zip, order, options.buildDate);
  return { bytes, diagnostics };
}
