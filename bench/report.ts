/** Targets, and the Markdown and plain-text reports of a benchmark run. */
import type { Summary } from './measure.js';

export interface CaseResult {
  readonly id: string;
  readonly group: string;
  readonly label: string;
  readonly tool: string;
  readonly format: string;
  readonly stories: number;
  readonly words: number;
  /** The command line of one run, for rerunning it by hand (from the work folder). */
  readonly command: string;
  readonly summary: Summary | null;
  readonly books: number | null;
  /** Why the case has no figures or fewer runs than asked, said plainly. */
  readonly notes: readonly string[];
  readonly failed: boolean;
}

export interface TargetResult {
  readonly target: string;
  readonly limit: string;
  readonly measured: string;
  readonly status: 'met' | 'not met' | 'n/a';
  readonly why?: string;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: readonly number[];
}

export interface PeerRow {
  readonly case: string;
  readonly format: string;
  readonly ficbind: Summary | null;
  readonly peers: { readonly name: string; readonly summary: Summary | null; readonly note?: string }[];
}

export interface Report {
  readonly date: string;
  readonly commit: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly meter: string;
  readonly machine: Machine;
  /** `hostCheck` before each case and at the end: how fast the machine was meanwhile (lower is faster). */
  readonly hostCheck: readonly {
    readonly before: string;
    readonly computeMs: number;
    readonly memoryMs: number;
  }[];
  readonly cli: { readonly jobs: boolean; readonly force: boolean };
  readonly inputs: unknown;
  readonly cases: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
  readonly peers: readonly PeerRow[] | null;
  readonly peerNotes: readonly string[];
  readonly notes: readonly string[];
}

const s = (x: number | undefined): string =>
  x === undefined || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1);
const mib = (x: number | undefined): string =>
  x === undefined || Number.isNaN(x) ? '–' : `${Math.round(x)}`;

export function find(cases: readonly CaseResult[], id: string): CaseResult | undefined {
  return cases.find((c) => c.id === id);
}

/** Evaluates every target against the measured cases. `quick` inputs are too small for absolute targets. */
export function evaluateTargets(
  cases: readonly CaseResult[],
  opts: { quick: boolean; real: string; novel: string; novel2: string; corpus: string; jobs: boolean },
): TargetResult[] {
  const out: TargetResult[] = [];
  const quickNote = 'inputs are smaller with --quick; run without it to check this target';
  const add = (
    target: string,
    limit: string,
    c: CaseResult | undefined,
    value: (s: Summary) => number,
    ok: (v: number) => boolean,
    show: (v: number) => string,
    sizeBound: boolean,
    extra?: string,
  ): void => {
    if (!c?.summary) {
      out.push({
        target,
        limit,
        measured: '–',
        status: 'n/a',
        why: c ? c.notes.join('; ') || 'no figures' : 'case not run',
      });
      return;
    }
    const v = value(c.summary);
    const measured = show(v);
    if (c.failed) out.push({ target, limit, measured, status: 'not met', why: 'the build failed' });
    else if (opts.quick && sizeBound) out.push({ target, limit, measured, status: 'n/a', why: quickNote });
    else
      out.push({
        target,
        limit,
        measured,
        status: ok(v) ? 'met' : 'not met',
        ...(extra ? { why: extra } : {}),
      });
  };
  const real = find(cases, 'real:ficbind:epub,pdf');
  add(
    `${opts.real}, EPUB + PDF + covers, one build: wall`,
    '≤ 1.0 s',
    real,
    (x) => x.wall,
    (v) => v <= 1.0,
    (v) => `${s(v)} s`,
    false,
  );
  for (const [format, limit] of [
    ['epub', 1.5],
    ['pdf', 8],
  ] as const) {
    const c = find(cases, `novel:ficbind:${format}`);
    add(
      `${opts.novel}, ${format.toUpperCase()}: wall`,
      `≤ ${limit} s`,
      c,
      (x) => x.wall,
      (v) => v <= limit,
      (v) => `${s(v)} s`,
      true,
    );
    add(
      `${opts.novel}, ${format.toUpperCase()}: peak memory`,
      '≤ 300 MiB',
      c,
      (x) => x.rssMiB,
      (v) => v <= 300,
      (v) => `${mib(v)} MiB`,
      true,
    );
  }
  const cold = find(cases, 'corpus:ficbind:cold');
  add(
    `${opts.corpus}, both formats, --jobs 2: stories per second`,
    '≥ 20 /s',
    cold,
    (x) => (cold?.stories ?? 0) / x.wall,
    (v) => v >= 20,
    (v) => `${v.toFixed(1)} /s`,
    false,
    opts.jobs ? undefined : 'ficbind build has no --jobs option yet: ran with its default',
  );
  add(
    `${opts.corpus}, second run with nothing changed: wall`,
    '≤ 1 s',
    find(cases, 'corpus:ficbind:warm'),
    (x) => x.wall,
    (v) => v <= 1,
    (v) => `${s(v)} s`,
    false,
  );
  for (const format of ['epub', 'pdf']) {
    const one = find(cases, `novel:ficbind:${format}`);
    const two = find(cases, `novel-2x:ficbind:${format}`);
    const target = `Linear cost: ${opts.novel2} ÷ ${opts.novel}, ${format.toUpperCase()}: wall`;
    if (!one?.summary || !two?.summary) {
      out.push({ target, limit: '≤ 2.1×', measured: '–', status: 'n/a', why: 'needs both novel cases' });
      continue;
    }
    const ratio = two.summary.wall / one.summary.wall;
    const failed = one.failed || two.failed;
    out.push({
      target,
      limit: '≤ 2.1×',
      measured: `${ratio.toFixed(2)}×`,
      status: failed ? 'not met' : ratio <= 2.1 ? 'met' : 'not met',
      ...(failed ? { why: 'a build failed' } : {}),
    });
  }
  return out;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function caseRows(cases: readonly CaseResult[]): string[][] {
  return cases.map((c) => [
    c.label,
    c.tool,
    c.format,
    c.summary ? `${s(c.summary.wall)} (${s(c.summary.wallMin)}–${s(c.summary.wallMax)})` : '–',
    c.summary ? s(c.summary.cpu) : '–',
    c.summary ? mib(c.summary.rssMiB) : '–',
    c.summary ? String(c.summary.runs) : '0',
    c.summary && c.stories > 1 && !c.format.includes('no change')
      ? (c.stories / c.summary.wall).toFixed(1)
      : '',
    [c.failed ? 'FAILED' : '', ...c.notes].filter(Boolean).join('; '),
  ]);
}

const CASE_HEAD = [
  'case',
  'tool',
  'format',
  'wall s, median (min–max)',
  'CPU s',
  'peak MiB',
  'runs',
  'stories/s',
  'notes',
];

function peerTable(rows: readonly PeerRow[]): string {
  const names = [...new Set(rows.flatMap((r) => r.peers.map((p) => p.name)))];
  const head = [
    'case',
    'format',
    'ficbind wall s / MiB',
    ...names.map((n) => `${n}: wall s / MiB (× ficbind)`),
  ];
  const body = rows.map((r) => [
    r.case,
    r.format,
    r.ficbind ? `${s(r.ficbind.wall)} / ${mib(r.ficbind.rssMiB)}` : '–',
    ...names.map((n) => {
      const p = r.peers.find((x) => x.name === n);
      if (!p) return 'not run';
      if (!p.summary) return p.note ?? '–';
      const ratio = r.ficbind ? ` (${(p.summary.wall / r.ficbind.wall).toFixed(1)}×)` : '';
      return `${s(p.summary.wall)} / ${mib(p.summary.rssMiB)}${ratio}${p.note ? ` ${p.note}` : ''}`;
    }),
  ]);
  return table(head, body);
}

export function markdown(r: Report): string {
  const m = r.machine;
  const parts = [
    `# ficbind benchmark, ${r.date}`,
    '',
    `Commit ${r.commit}; ${r.quick ? 'quick (small) inputs; ' : ''}median of ${r.runs} run(s) per case; CPU and peak memory from ${r.meter}.`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memory} RAM, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}.`,
    '',
    'Host check, median of three, lower is faster: compute is SHA-256 of 256 MiB on one core, memory is 2 million dependent loads across 64 MiB.',
    '',
    hostCheckTable(r),
    '',
    '## Targets',
    '',
    table(
      ['target', 'limit', 'measured', 'status', 'note'],
      r.targets.map((t) => [t.target, t.limit, t.measured, t.status, t.why ?? '']),
    ),
    '',
    '## Cases',
    '',
    table(CASE_HEAD, caseRows(r.cases)),
    '',
  ];
  if (r.peers) {
    parts.push(
      '## Peers',
      '',
      'Ratios are the peer\u2019s wall time over ficbind\u2019s (higher is better for ficbind).',
      '',
    );
    parts.push(peerTable(r.peers), '');
  }
  if (r.peerNotes.length > 0) parts.push(...r.peerNotes.map((n) => `- ${n}`), '');
  if (r.notes.length > 0) parts.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  parts.push('## Commands', '', ...r.cases.map((c) => `- ${c.id}: \`${c.command}\``), '');
  return parts.join('\n');
}

function hostCheckText(r: Report): string {
  const list = (key: 'computeMs' | 'memoryMs') => r.hostCheck.map((h) => h[key]).join(', ');
  return `compute (SHA-256 of 256 MiB) ${list('computeMs')} ms; memory (2 million dependent loads across 64 MiB) ${list('memoryMs')} ms`;
}

/** The host check as a table: one row per check, named by the case it came before. */
function hostCheckTable(r: Report): string {
  return table(
    ['before', 'compute ms', 'memory ms'],
    r.hostCheck.map((h) => [h.before, String(h.computeMs), String(h.memoryMs)]),
  );
}

/** The short summary printed on stdout. */
export function summaryText(r: Report, files: readonly string[]): string {
  const lines: string[] = [];
  lines.push('', `ficbind benchmark (${r.quick ? 'quick, ' : ''}median of ${r.runs}; ${r.meter})`);
  lines.push(`${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memory}, Node ${r.machine.node}`);
  lines.push(`Host check, lower is faster: ${hostCheckText(r)}`, '');
  const w = Math.max(...r.cases.map((c) => `${c.label} ${c.tool} ${c.format}`.length));
  for (const c of r.cases) {
    const name = `${c.label} ${c.tool} ${c.format}`.padEnd(w);
    lines.push(
      c.summary
        ? `  ${name}  ${s(c.summary.wall).padStart(6)} s wall  ${s(c.summary.cpu).padStart(6)} s CPU  ${mib(c.summary.rssMiB).padStart(5)} MiB${c.failed ? '  FAILED' : ''}`
        : `  ${name}  ${c.notes.join('; ')}`,
    );
  }
  lines.push('', 'Targets:');
  for (const t of r.targets) {
    lines.push(
      `  [${t.status === 'met' ? 'met' : t.status === 'n/a' ? 'n/a' : 'NOT MET'}] ${t.target}: ${t.measured} (target ${t.limit})${t.why ? ` — ${t.why}` : ''}`,
    );
  }
  if (r.peers) {
    lines.push('', 'Peers (peer wall ÷ ficbind wall):');
    for (const row of r.peers) {
      const cells = row.peers.map((p) =>
        p.summary && row.ficbind
          ? `${p.name} ${s(p.summary.wall)} s (${(p.summary.wall / row.ficbind.wall).toFixed(1)}×)`
          : `${p.name} ${p.note ?? '–'}`,
      );
      lines.push(`  ${row.case} ${row.format}: ficbind ${s(row.ficbind?.wall)} s; ${cells.join('; ')}`);
    }
  }
  for (const n of r.peerNotes) lines.push(`  ${n}`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  lines.push('', `Written: ${files.join(', ')}`);
  return lines.join('\n');
}
