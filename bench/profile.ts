/**
 * Profiles one `ficbind build` of a generated input with `node --cpu-prof`, and prints where the time
 * went (self time per function, per file or package) and where the memory went (peak RSS, JS heap,
 * buffers, sampled every 20 ms).
 *
 *   node --import tsx bench/profile.ts [--case novel|novel-2x|corpus|real] [--format epub|pdf|epub,pdf] [--quick]
 *   node --import tsx bench/profile.ts --summarise some.cpuprofile [more.cpuprofile…]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateInputs } from './inputs.js';
import { chooseMeter, run } from './measure.js';
import { CLI, ensureCompiled, ROOT, realStories, WORK } from './setup.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  readonly key: string;
  readonly ms: number;
}

/** Where code lives: `pdfkit`, `src/render/pdf/flow.ts`, `node:zlib`, `(garbage collector)`. */
export function place(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `src/${url.slice(dist + '/dist/'.length).replace(/\.js$/, '.ts')}`;
  return url.replace(/^file:\/\//, '');
}

/** A function's line: compiled JavaScript lines for ficbind (`dist/…js:151`), as the profile gives them. */
function at(url: string, where: string, line: number): string {
  if (!url) return where;
  if (url.includes('node_modules/')) return `${where}:${line + 1}`;
  const dist = url.lastIndexOf('/dist/');
  return dist >= 0 ? `${url.slice(dist + 1)}:${line + 1}` : `${where}:${line + 1}`;
}

/**
 * Self time per function and per place, from the samples and their time deltas; and inclusive time of
 * ficbind's own functions (time spent in them or anything they called), which shows the stages.
 */
export function selfTimes(profile: CpuProfile): {
  total: number;
  functions: SelfTime[];
  places: SelfTime[];
  inclusive: SelfTime[];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fn = new Map<string, number>();
  const pl = new Map<string, number>();
  const inc = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    // A sample's delta is the time since the previous sample: it belongs to this sample's node.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) continue;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = place(url, functionName);
    const key = `${functionName || '(anonymous)'}  ${at(url, where, lineNumber)}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    pl.set(where, (pl.get(where) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      const where2 = place(f.url, f.functionName);
      if (!where2.startsWith('src/')) continue;
      const k = `${f.functionName || '(anonymous)'}  ${at(f.url, where2, f.lineNumber)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inc.set(k, (inc.get(k) ?? 0) + ms);
    }
  }
  const sorted = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms);
  return { total, functions: sorted(fn), places: sorted(pl), inclusive: sorted(inc) };
}

function print(title: string, total: number, rows: readonly SelfTime[], n: number): string {
  const lines = [`${title} (of ${(total / 1000).toFixed(2)} s sampled)`];
  for (const r of rows.slice(0, n))
    lines.push(
      `  ${(r.ms / 1000).toFixed(3).padStart(7)} s ${((100 * r.ms) / total).toFixed(1).padStart(5)}%  ${r.key}`,
    );
  return lines.join('\n');
}

export async function summariseFiles(files: readonly string[], top = 25): Promise<string> {
  const out: string[] = [];
  for (const f of files) {
    const profile = JSON.parse(await fs.readFile(f, 'utf8')) as CpuProfile;
    const t = selfTimes(profile);
    out.push(`== ${path.basename(f)}`);
    out.push(print('Self time by package or file', t.total, t.places, 20));
    out.push(print('Self time by function', t.total, t.functions, top));
    out.push(print("Inclusive time of ficbind's functions", t.total, t.inclusive, top));
  }
  return out.join('\n\n');
}

/** Samples the memory of the profiled process every 20 ms and writes the peaks when it exits. */
const MEMORY_PRELOAD = `
const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
const out = process.env.FICBIND_BENCH_MEMORY && \`\${process.env.FICBIND_BENCH_MEMORY}.\${threadId}.json\`;
if (out) {
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  let written = 0;
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
    // A worker may be terminated without an exit event: keep the file current.
    if (Date.now() - written > 250) {
      written = Date.now();
      fs.writeFileSync(out, JSON.stringify(peak));
    }
  };
  setInterval(sample, 20).unref();
  process.on('exit', () => {
    sample();
    fs.writeFileSync(out, JSON.stringify(peak));
  });
}
`;

/** Per V8 isolate (main thread, each worker): peak heap from `--trace-gc` lines, and GC pauses by kind. */
export function gcSummary(trace: string): string[] {
  const isolates = new Map<
    string,
    { peak: number; committed: number; pauses: Map<string, [number, number]> }
  >();
  const re =
    /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: ([A-Za-z-]+)[^\d]*([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, ([\d.]+)/;
  for (const line of trace.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const [, iso, kind, before, committed, , committedAfter, pause] = m as unknown as string[];
    let s = isolates.get(iso as string);
    if (!s) {
      s = { peak: 0, committed: 0, pauses: new Map() };
      isolates.set(iso as string, s);
    }
    s.peak = Math.max(s.peak, Number(before));
    s.committed = Math.max(s.committed, Number(committed), Number(committedAfter));
    const p = s.pauses.get(kind as string) ?? [0, 0];
    s.pauses.set(kind as string, [p[0] + 1, p[1] + Number(pause)]);
  }
  return [...isolates.values()].map((s, i) => {
    const pauses = [...s.pauses.entries()]
      .map(([k, [n, ms]]) => `${n} × ${k} ${(ms / 1000).toFixed(2)} s`)
      .join(', ');
    return `  isolate ${i + 1}${i === 0 ? ' (main thread)' : ' (worker)'}: JS heap peak ${Math.round(s.peak)} MB used, ${Math.round(s.committed)} MB committed; GC pauses ${pauses}`;
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      case: { type: 'string', default: 'novel' },
      format: { type: 'string', default: 'epub' },
      quick: { type: 'boolean', default: false },
      summarise: { type: 'boolean', default: false },
      top: { type: 'string', default: '25' },
    },
  });
  const top = Number(values.top);
  if (values.summarise) {
    process.stdout.write(`${await summariseFiles(positionals, top)}\n`);
    return;
  }
  ensureCompiled();
  const words = values.quick ? 100_000 : 1_000_000;
  const inputs = await generateInputs(path.join(ROOT, 'stories'), WORK, {
    name: values.quick ? 'quick' : 'full',
    novels: { novel: words, 'novel-2x': words * 2 },
    corpusStories: values.quick ? 100 : 1000,
    seed: 20240501,
  });
  const source =
    values.case === 'corpus'
      ? [inputs.corpus.dir]
      : values.case === 'real'
        ? (await realStories()).paths.map((p) => path.relative(WORK, p))
        : [inputs.novels[values.case]?.file ?? ''];
  if (!source[0]) throw new Error(`--case takes novel, novel-2x, corpus or real, not ${values.case}`);
  const tag = `${values.case}-${values.format.replace(',', '+')}`;
  const profDir = path.join(WORK, 'prof', tag);
  await fs.rm(profDir, { recursive: true, force: true });
  await fs.mkdir(profDir, { recursive: true });
  const preload = path.join(profDir, 'memory-preload.cjs');
  await fs.writeFile(preload, MEMORY_PRELOAD);
  const memoryOut = path.join(profDir, 'memory');
  const outDir = path.join(WORK, 'out', `prof-${tag}`);
  await fs.rm(outDir, { recursive: true, force: true });
  const args = [
    '--trace-gc',
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    '--require',
    preload,
    CLI,
    'build',
    ...source,
    '--out',
    outDir,
    '--format',
    values.format,
    '--quiet',
  ];
  process.stderr.write(`node ${args.join(' ')}\n`);
  const r = await run(
    {
      command: process.execPath,
      args,
      cwd: WORK,
      env: { FICBIND_BENCH_MEMORY: memoryOut },
      captureStdout: true,
    },
    chooseMeter(),
    path.join(WORK, 'scratch'),
  );
  const mib = (x: number | undefined): string => `${Math.round((x ?? 0) / 2 ** 20)} MiB`;
  const memory: string[] = [];
  for (const f of (await fs.readdir(profDir)).filter((n) => n.startsWith('memory.')).sort()) {
    const m = JSON.parse(await fs.readFile(path.join(profDir, f), 'utf8')) as Record<string, number>;
    const thread = f.split('.')[1] === '0' ? 'main thread' : `worker ${f.split('.')[1]}`;
    memory.push(
      `  ${thread}: RSS ${mib(m.rss)} (whole process), JS heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, external ${mib(m.external)}, array buffers ${mib(m.arrayBuffers)}`,
    );
  }
  const files = (await fs.readdir(profDir))
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(profDir, f));
  process.stdout.write(
    [
      `${tag}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, peak RSS ${Math.round(r.rssMiB)} MiB (exit ${r.exitCode})`,
      'Memory peaks, sampled every 20 ms when a thread\u2019s event loop turns (a long synchronous layout is not sampled):',
      ...memory,
      'V8 heaps, from --trace-gc:',
      ...gcSummary(r.stdout ?? ''),
      '',
      await summariseFiles(files, top),
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`profile: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
