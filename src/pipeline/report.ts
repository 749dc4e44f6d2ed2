import { formatDiagnostic } from '../diagnostics.js';
import type { BuildReport, StoryReport } from './build.js';

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** One line per story as it finishes. */
export function formatStoryLine(r: StoryReport, done: number, total: number): string {
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  if (!r.ok) return `${counter} ✗ ${r.source}: ${r.error?.message ?? 'failed'}`;
  const outs = r.outputs.map((o) => `${o.path} (${size(o.bytes)})`).join(', ');
  const warn =
    r.warnings.length > 0 ? `, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : '';
  return `${counter} ✓ ${r.source} → ${outs}  ${r.words} words, ${r.chapters} ch, ${r.notes} notes${warn}, ${r.ms} ms`;
}

/** The end of a build: every warning and error, grouped per story and shown once, then the tally. */
export function formatSummary(report: BuildReport): string {
  const lines: string[] = [];
  for (const p of report.problems) lines.push(formatDiagnostic(p));
  for (const r of report.stories) {
    if (r.warnings.length === 0 && r.error === null) continue;
    lines.push('', `${r.source}${r.title ? ` — ${r.title}` : ''}`);
    if (r.error) lines.push(`  ${formatDiagnostic(r.error)}`);
    for (const w of r.warnings) lines.push(`  ${formatDiagnostic(w)}`);
  }
  const built = report.stories.filter((r) => r.ok).length;
  const failed = report.stories.length - built;
  const books = report.stories.reduce((n, r) => n + r.outputs.length, 0);
  lines.push(
    '',
    `${built} of ${report.stories.length} stor${report.stories.length === 1 ? 'y' : 'ies'} built (${books} book${books === 1 ? '' : 's'})${failed > 0 ? `, ${failed} failed` : ''}.`,
  );
  return lines.join('\n').replace(/^\n/, '');
}
