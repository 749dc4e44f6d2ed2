/**
 * Other tools that make EPUB and PDF from plain text, run on the same inputs for comparison:
 * pandoc (EPUB; PDF through a LaTeX or HTML engine when one is installed) and calibre's ebook-convert.
 * Each peer turns one story per process, so a case with several stories runs one process per story.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export type PeerFormat = 'epub' | 'pdf';

export interface Peer {
  readonly name: string;
  readonly version: string;
  readonly formats: readonly PeerFormat[];
  /** The command that turns `input` into `output` (the format follows the output's extension). */
  command(input: string, output: string): { command: string; args: string[]; env?: NodeJS.ProcessEnv };
  /** What is missing for a format it cannot make, said plainly. */
  readonly notes: readonly string[];
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').split('\n')[0]?.trim() ?? 'unknown';
}

/** PDF engines pandoc 2.x/3.x can drive, in the order we prefer (xelatex is what the issue measured). */
const PANDOC_PDF_ENGINES = ['xelatex', 'lualatex', 'pdflatex', 'wkhtmltopdf', 'weasyprint', 'typst'];

export function findPeers(): { peers: Peer[]; missing: string[] } {
  const peers: Peer[] = [];
  const missing: string[] = [];
  if (which('pandoc')) {
    const engine = PANDOC_PDF_ENGINES.find((e) => which(e) !== null) ?? null;
    const notes = engine
      ? [`pandoc makes PDFs through ${engine}`]
      : [
          `pandoc: no PDF engine installed (looked for ${PANDOC_PDF_ENGINES.join(', ')}); PDF not compared (apt-get install texlive-xetex)`,
        ];
    peers.push({
      name: 'pandoc',
      version: versionOf('pandoc', ['--version']),
      formats: engine ? ['epub', 'pdf'] : ['epub'],
      notes,
      command: (input, output) => ({
        command: 'pandoc',
        args: [
          input,
          '--from',
          'markdown',
          '--output',
          output,
          '--metadata',
          `title=${path.basename(input, '.txt')}`,
          ...(output.endsWith('.pdf') && engine ? [`--pdf-engine=${engine}`] : []),
        ],
      }),
    });
  } else {
    missing.push('pandoc is not installed (apt-get install pandoc): not compared');
  }
  if (which('ebook-convert')) {
    peers.push({
      name: 'calibre ebook-convert',
      version: versionOf('ebook-convert', ['--version']),
      formats: ['epub', 'pdf'],
      notes: [],
      command: (input, output) => ({
        command: 'ebook-convert',
        args: [input, output],
        // calibre makes PDFs with Qt WebEngine: no display here, and Chromium refuses to run as root
        // with its sandbox on.
        env: {
          QT_QPA_PLATFORM: 'offscreen',
          QTWEBENGINE_DISABLE_SANDBOX: '1',
          QTWEBENGINE_CHROMIUM_FLAGS: '--no-sandbox',
        },
      }),
    });
  } else {
    missing.push(
      "calibre's ebook-convert is not installed (apt-get install --no-install-recommends calibre): not compared",
    );
  }
  return { peers, missing };
}
