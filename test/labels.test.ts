import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR } from '../src/config.js';
import { FicbindError } from '../src/diagnostics.js';
import { writeEpub } from '../src/render/epub.js';
import { writePdf } from '../src/render/pdf/index.js';
import { openEpub } from './helpers/book-words.js';
import { fullStory, renderOptions } from './helpers/epub-stories.js';
import { pdfText, tempPdf } from './helpers/pdf-tools.js';
import { plainCover } from './helpers/plain-cover.js';

/** A copy of ficbind's templates with some of labels.json reworded (or removed). */
function templatesWith(change: (labels: Record<string, string>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-labels-'));
  fs.cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  const file = path.join(dir, 'labels.json');
  const labels = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  change(labels);
  fs.writeFileSync(file, JSON.stringify(labels));
  return dir;
}

describe('labels.json: the words the book says', () => {
  it('a reworded label shows in both the EPUB and the PDF', async () => {
    const templatesDir = templatesWith((l) => {
      l.notes = 'Marginalia Appendix';
      l.contents = 'Table Plan';
      l.endOf = 'Finis {chapter}';
    });
    const options = renderOptions({ templatesDir });
    const epub = await openEpub((await writeEpub(fullStory(), options, null)).bytes);
    const epubText = epub.spine.map((d) => d.xml).join('\n');
    const pdf = pdfText(tempPdf((await writePdf(fullStory(), options, null)).bytes));
    for (const text of [epubText, pdf]) {
      expect(text).toContain('Marginalia Appendix');
      expect(text).toContain('Table Plan');
      expect(text).toContain('Finis ');
      expect(text).not.toContain('Author\u2019s Notes');
    }
  });

  it("the PDF's cover page is labelled with the cover label", async () => {
    const templatesDir = templatesWith((l) => {
      l.cover = 'Couverture';
    });
    const cover = await plainCover(160, 256, '#345a7a');
    const pdf = (await writePdf(fullStory(), renderOptions({ templatesDir }), cover)).bytes.toString(
      'latin1',
    );
    expect(pdf).toContain('/P (Couverture)');
    expect(pdf).not.toContain('/P (Cover)');
  });

  it('the EPUB package says its accessibility summary in the words of labels.json', async () => {
    const templatesDir = templatesWith((l) => {
      l.accessibilitySummary = 'Plain prose, chapter by chapter.';
    });
    const epub = await openEpub((await writeEpub(fullStory(), renderOptions({ templatesDir }), null)).bytes);
    expect(epub.opf).toContain('Plain prose, chapter by chapter.');
    expect(epub.opf).not.toContain('A text-only story');
  });

  it('a label missing from labels.json is an error naming it', async () => {
    const templatesDir = templatesWith((l) => {
      delete l.chapter;
    });
    const error = await writeEpub(fullStory(), renderOptions({ templatesDir }), null).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FicbindError);
    expect((error as FicbindError).diagnostic).toMatchObject({ code: 'labels-invalid' });
    expect((error as FicbindError).message).toContain('"chapter"');
  });
});
