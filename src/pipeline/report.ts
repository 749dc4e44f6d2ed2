import { formatDiagnostic } from '../diagnostics.js';
import type { BuildReport, StoryReport } from './manifest.js';

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line per story as it finishes. */
export function formatStoryLine(r: StoryReport, done: number, total: number): string {
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  if (!r.ok) return `${counter} ✗ ${r.source}: ${r.errors[0]?.message ?? 'failed'}`;
  const outs = r.outputs.map((o) => `${o.path} (${size(o.bytes)})`).join(', ');
  if (r.skipped) return `${counter} = ${r.source} → ${outs}  unchanged`;
  const warn = r.warnings.length > 0 ? `, ${plural(r.warnings.length, 'warning')}` : '';
  return `${counter} ✓ ${r.source} → ${outs}  ${r.words} words, ${r.chapters} ch, ${r.notes} notes${warn}, ${r.ms} ms`;
}

/** The end of a build: every warning and error, grouped per story with file:line and shown once, then the tally. */
export function formatSummary(report: BuildReport): string {
  const lines: string[] = [];
  for (const p of report.problems) lines.push(formatDiagnostic(p));
  for (const r of report.stories) {
    if (r.warnings.length === 0 && r.errors.length === 0) continue;
    lines.push('', `${r.source}${r.title ? ` — ${r.title}` : ''}`);
    for (const e of r.errors) lines.push(`  ${formatDiagnostic(e)}`);
    for (const w of r.warnings) lines.push(`  ${formatDiagnostic(w)}`);
  }
  const built = report.stories.filter((r) => r.ok).length;
  const skipped = report.stories.filter((r) => r.skipped).length;
  const failed = report.stories.length - built;
  const books = report.stories.reduce((n, r) => n + r.outputs.length, 0);
  const parts = [
    `${built} of ${plural(report.stories.length, 'story', 'stories')} built (${plural(books, 'book')})`,
  ];
  if (skipped > 0) parts.push(`${skipped} unchanged`);
  if (failed > 0) parts.push(`${failed} failed`);
  lines.push('', `${parts.join(', ')}.`);
  return lines.join('\n').replace(/^\n/, '');
}

/**
 * A one-line progress bar for a terminal: stories done of total and the story being built, redrawn in
 * place. `clear()` removes it so the next lines print cleanly.
 */
export class ProgressBar {
  private done = 0;
  private total = 0;
  private readonly running: string[] = [];
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly width = 24,
  ) {}

  plan(total: number): void {
    this.total = total;
    this.draw();
  }

  start(source: string): void {
    this.running.push(source);
    this.draw();
  }

  finish(source: string): void {
    const i = this.running.indexOf(source);
    if (i >= 0) this.running.splice(i, 1);
    this.done += 1;
    this.draw();
  }

  /** Prints a line above the bar. */
  log(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    this.draw();
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    if (this.total === 0) return;
    const filled = Math.round((this.done / this.total) * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    const current = this.running[0] ?? '';
    const more = this.running.length > 1 ? ` +${this.running.length - 1}` : '';
    let line = `${bar} ${this.done}/${this.total} ${current}${more}`;
    const columns = this.stream.columns || 80;
    if (line.length > columns - 1) line = `${line.slice(0, columns - 2)}…`;
    this.stream.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }
}
