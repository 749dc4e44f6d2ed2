/**
 * Reading a PDF back with independent tools: poppler-utils (pdftotext, pdfinfo, pdffonts) and qpdf.
 * A missing tool is a failure that names the Debian package to install, never a skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PACKAGES: Readonly<Record<string, string>> = {
  pdftotext: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  pdffonts: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  pdfimages: 'poppler-utils',
  qpdf: 'qpdf',
};

function run(tool: string, args: string[]): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: apt-get install -y ${PACKAGES[tool] ?? tool}`);
  }
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
}

/** Write bytes to a fresh temporary file and return its path. */
export function tempPdf(bytes: Buffer, name = 'book.pdf'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-pdf-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Text in content-stream order (`-raw`: no merging of columns, no removal of line-end hyphens). */
export function pdfText(file: string, first?: number, last?: number): string {
  const args = ['-raw', '-enc', 'UTF-8'];
  if (first !== undefined) args.push('-f', String(first));
  if (last !== undefined) args.push('-l', String(last));
  const r = run('pdftotext', [...args, file, '-']);
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

export function pdfInfo(file: string, extra: string[] = []): Record<string, string> {
  const r = run('pdfinfo', [...extra, file]);
  if (r.status !== 0) throw new Error(`pdfinfo failed: ${r.stderr}`);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) out[m[1].trim()] = m[2].trim();
  }
  return out;
}

/** Page sizes of every page, as pdfinfo prints them (`419.53 x 595.28 pts`). */
export function pageSizes(file: string, pages: number): string[] {
  const r = run('pdfinfo', ['-f', '1', '-l', String(pages), file]);
  if (r.status !== 0) throw new Error(`pdfinfo failed: ${r.stderr}`);
  return [...r.stdout.matchAll(/^Page\s+\d+ size:\s*(.*?)\s*$/gm)].map((m) => m[1] ?? '');
}

/** Named destinations (`pdfinfo -dests`): name → 1-based page. */
export function destinations(file: string): Map<string, number> {
  const r = run('pdfinfo', ['-dests', file]);
  if (r.status !== 0) throw new Error(`pdfinfo -dests failed: ${r.stderr}`);
  const out = new Map<string, number>();
  for (const m of r.stdout.matchAll(/^\s*(\d+)\s+\[.*?\]\s+"(.*)"\s*$/gm)) out.set(m[2] ?? '', Number(m[1]));
  return out;
}

/** Images placed on pages (`pdfimages -list`). */
export function pdfImages(file: string): { page: number; width: number; height: number; encoding: string }[] {
  const r = run('pdfimages', ['-list', file]);
  if (r.status !== 0) throw new Error(`pdfimages failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const c = l.trim().split(/\s+/);
      return { page: Number(c[0]), width: Number(c[3]), height: Number(c[4]), encoding: c[8] ?? '' };
    });
}

export interface FontRow {
  readonly name: string;
  readonly type: string;
  readonly embedded: boolean;
}

export function pdfFonts(file: string): FontRow[] {
  const r = run('pdffonts', [file]);
  if (r.status !== 0) throw new Error(`pdffonts failed: ${r.stderr}`);
  const lines = r.stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim().length > 0);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name, type (one or more words), encoding, emb, sub, uni, object, ID
    const emb = cols[cols.length - 5];
    return { name: cols[0] ?? '', type: cols.slice(1, -6).join(' '), embedded: emb === 'yes' };
  });
}

export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const r = run('qpdf', ['--check', file]);
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

export interface QpdfJson {
  readonly outlines: readonly {
    readonly title: string;
    readonly destpageposfrom1: number;
    readonly kids: readonly unknown[];
  }[];
  readonly qpdf: readonly [unknown, Readonly<Record<string, { value?: Record<string, unknown> }>>];
}

export function qpdfJson(file: string): QpdfJson {
  const r = run('qpdf', ['--json', file]);
  if (r.status !== 0) throw new Error(`qpdf --json failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as QpdfJson;
}

/** Every entry of the fonts' ToUnicode maps (`<0041>`, `<0066 0069>`), from qpdf's uncompressed copy. */
export function toUnicodeEntries(file: string): string[] {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ficbind-qdf-')), 'qdf.pdf');
  const r = run('qpdf', ['--qdf', '--object-streams=disable', file, out]);
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf --qdf failed: ${r.stderr}`);
  const text = fs.readFileSync(out, 'latin1');
  const entries: string[] = [];
  for (const m of text.matchAll(/beginbfrange\n([\s\S]*?)endbfrange/g)) {
    for (const e of (m[1] ?? '').matchAll(/\[([^\]]*)\]/g)) entries.push(...(e[1]?.match(/<[^>]*>/g) ?? []));
  }
  return entries;
}

/** Named-destination targets of every GoTo link annotation (`/A << /S /GoTo /D (name) >>`). */
export function goToTargets(json: QpdfJson): string[] {
  const objects = json.qpdf[1];
  const out: string[] = [];
  for (const o of Object.values(objects)) {
    const v = o.value;
    if (v && v['/S'] === '/GoTo' && typeof v['/D'] === 'string') out.push(String(v['/D']).replace(/^u:/, ''));
  }
  return out.sort();
}

/**
 * The words of extracted text, with words split at a line end joined again: a soft hyphen (U+00AD,
 * what the writer puts in /ActualText for a hyphen it added) is dropped; a hard hyphen or dash is kept.
 */
export function extractedWords(text: string): string[] {
  const joined = text.replace(/\u00ad\s*\n\s*/g, '').replace(/\f/g, '\n');
  return joined.match(/\S+/g) ?? [];
}

/**
 * Check that `expected` words occur in `tokens` in order. Between two expected words at most
 * `maxSkip` other tokens may stand (running heads, folios, note numbers); a token that ends in a
 * dash may be joined with the next one (a word broken after its own hyphen). Returns null or a message.
 */
export function wordsInOrder(
  expected: readonly string[],
  tokens: readonly string[],
  maxSkip = 40,
): string | null {
  let pos = 0;
  for (let i = 0; i < expected.length; i++) {
    const w = expected[i] as string;
    let found = -1;
    let next = pos;
    for (let k = pos; k < Math.min(tokens.length, pos + maxSkip + 1) && found < 0; k++) {
      let acc = tokens[k] as string;
      let j = k + 1;
      for (;;) {
        if (acc === w || (acc.startsWith(w) && /^\d+$/.test(acc.slice(w.length)))) break;
        if (/[-\u2013\u2014/]$/.test(acc) && w.startsWith(acc) && j < tokens.length) {
          // Broken after its own hyphen or dash: the next token goes on with the word.
          acc += tokens[j];
          j++;
          continue;
        }
        if (acc.endsWith('\u00ad') && w.startsWith(acc.slice(0, -1))) {
          // Hyphenated at a page's end: the word goes on after the running head and folio.
          const head = acc.slice(0, -1);
          let t = j;
          while (
            t < Math.min(tokens.length, j + 12) &&
            !w.startsWith(head + (tokens[t] as string).replace(/\u00ad$/, ''))
          )
            t++;
          if (t >= Math.min(tokens.length, j + 12)) break;
          acc = head + (tokens[t] as string);
          j = t + 1;
          continue;
        }
        if (acc !== w) {
          // Hyphenated at a page's end and glued by the extractor to the running head (`extraordiThe`):
          // the rest of the word follows the running head and folio.
          let p = 0;
          while (p < acc.length && p < w.length && acc[p] === w[p]) p++;
          if (p >= 2 && p < w.length) {
            const tail = w.slice(p);
            for (let t = j; t < Math.min(tokens.length, j + 12); t++) {
              const u = tokens[t] as string;
              if (u === tail || (u.startsWith(tail) && /^\d+$/.test(u.slice(tail.length)))) {
                acc = w;
                j = t + 1;
                break;
              }
            }
          }
        }
        break;
      }
      if (acc === w || (acc.startsWith(w) && /^\d+$/.test(acc.slice(w.length)))) {
        found = k;
        next = j;
      }
    }
    if (found < 0) {
      const context = tokens.slice(pos, pos + 12).join(' ');
      return `word ${i + 1} of ${expected.length} "${w}" not found after "${expected.slice(Math.max(0, i - 5), i).join(' ')}"; the PDF has: ${context}`;
    }
    pos = next;
  }
  return null;
}

/** Render pages to PNG (for looking at them by hand). */
export function renderPngs(file: string, outPrefix: string, first: number, last: number): void {
  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', String(first), '-l', String(last), file, outPrefix]);
}
