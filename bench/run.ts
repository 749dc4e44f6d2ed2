/**
 * `npm run bench [-- options]`: measures whole `ficbind build` processes on generated inputs and
 * reports every target as met or not met. See bench/README.md.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hostCheck as checkHost, type HostCheck } from './host-speed.js';
import { generateInputs, type Inputs } from './inputs.js';
import { chooseMeter, type Meter, type RunResult, run, type Sample, summarise } from './measure.js';
import { findPeers, type Peer, type PeerFormat } from './peers.js';
import {
  type CaseResult,
  evaluateTargets,
  find,
  type Machine,
  markdown,
  type PeerRow,
  type Report,
  summaryText,
} from './report.js';
import { CLI, ensureCompiled, ROOT, realStories, WORK } from './setup.js';

const RESULTS = path.join(ROOT, 'bench', 'results');
const GROUPS = ['real', 'novel', 'novel-2x', 'corpus'] as const;
type Group = (typeof GROUPS)[number];

const USAGE = `Usage: npm run bench -- [options]

  --runs N          runs per case; the median is reported (default 3)
  --quick           small inputs (100,000-word novel, 100-story corpus), for a smoke run
  --peers           also run pandoc and calibre's ebook-convert, when installed, on the same inputs
  --only LIST       only these cases, comma-separated: ${GROUPS.join(', ')}
  --max-seconds S   after a run longer than S seconds, do not repeat that case (default 150)
  --peer-timeout S  stop a peer that has not finished one book in S seconds (default 300)
  --seed N          seed of the generated inputs (default 20240501)
  -h, --help        this text`;

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

function cliFeatures(): { jobs: boolean; force: boolean } {
  const help = spawnSync(process.execPath, [CLI, 'build', '--help'], { encoding: 'utf8' }).stdout;
  return { jobs: /--jobs\b/.test(help), force: /--force\b/.test(help) };
}

function machine(): Machine {
  let osName = `${os.type()} ${os.release()}`;
  try {
    const rel = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m);
    if (rel?.[1]) osName = rel[1];
  } catch {
    // Not Linux, or no os-release: keep the kernel name.
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.versions.node,
    os: osName,
    loadAverage: os.loadavg(),
  };
}

function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync(
    'git',
    ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'templates'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' (with uncommitted changes to src/ or templates/)' : ''}`;
}

interface CaseSpec {
  readonly id: string;
  readonly group: Group;
  readonly label: string;
  readonly format: string;
  readonly stories: number;
  readonly words: number;
  readonly inputs: readonly string[];
  readonly mode: 'cold' | 'warm';
}

interface Options {
  readonly runs: number;
  readonly maxSeconds: number;
  readonly peerTimeout: number;
  readonly meter: Meter;
  readonly cli: { jobs: boolean; force: boolean };
}

const rel = (p: string): string => (path.isAbsolute(p) ? path.relative(WORK, p) || '.' : p);

function ficbindArgs(c: CaseSpec, opts: Options): string[] {
  return [
    path.relative(WORK, CLI),
    'build',
    ...c.inputs.map(rel),
    '--out',
    // The no-change run reuses the books of the cold runs before it, so it shares their folder.
    path.join(
      'out',
      c.id
        .replace(/:(cold|warm)$/, '')
        .replaceAll(':', '-')
        .replaceAll(',', '+'),
    ),
    '--format',
    c.format,
    ...(c.group === 'corpus' && opts.cli.jobs ? ['--jobs', '2'] : []),
    ...(c.mode === 'cold' && opts.cli.force ? ['--force'] : []),
  ];
}

/** Removes every place a build cache could be kept, so a cold run starts cold. */
async function clearCaches(outDir: string): Promise<void> {
  for (const p of [outDir, path.join(WORK, '.ficbind-cache'), path.join(WORK, 'xdg-cache')])
    await fs.rm(p, { recursive: true, force: true });
}

async function countBooks(dir: string): Promise<number> {
  try {
    return (await fs.readdir(dir)).filter((n) => /\.(epub|pdf)$/.test(n)).length;
  } catch {
    return 0;
  }
}

/** Runs a case `runs` times (fewer when one run is over the time budget) and summarises it. */
async function measure(
  label: string,
  once: (i: number) => Promise<RunResult>,
  opts: Options,
): Promise<{ samples: Sample[]; failed: boolean; notes: string[] }> {
  const samples: Sample[] = [];
  const notes: string[] = [];
  let failed = false;
  for (let i = 0; i < opts.runs; i++) {
    const r = await once(i);
    samples.push(r);
    log(
      `  ${label} run ${i + 1}/${opts.runs}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${Math.round(r.rssMiB)} MiB${r.exitCode === 0 ? '' : ` — exit ${r.exitCode}`}`,
    );
    if (r.exitCode !== 0) {
      failed = true;
      notes.push(
        r.timedOut
          ? `did not finish in ${opts.peerTimeout} s (stopped)`
          : `exit code ${r.exitCode}: ${r.stderrTail.split('\n').at(-1) ?? ''}`.trim(),
      );
      break;
    }
    if (r.wall > opts.maxSeconds && i + 1 < opts.runs) {
      notes.push(`one run only: it took over ${opts.maxSeconds} s (--max-seconds)`);
      break;
    }
  }
  return { samples, failed, notes };
}

async function runFicbind(c: CaseSpec, opts: Options): Promise<CaseResult> {
  const args = ficbindArgs(c, opts);
  const outDir = path.join(WORK, args[args.indexOf('--out') + 1] as string);
  const env = { XDG_CACHE_HOME: path.join(WORK, 'xdg-cache'), SOURCE_DATE_EPOCH: '1700000000' };
  const scratch = path.join(WORK, 'scratch');
  if (c.mode === 'warm' && (await countBooks(outDir)) === 0) {
    log(`  ${c.id}: first, an unmeasured build to warm up`);
    await run({ command: process.execPath, args, cwd: WORK, env }, opts.meter, scratch);
  }
  const m = await measure(
    c.id,
    async () => {
      if (c.mode === 'cold') await clearCaches(outDir);
      return run({ command: process.execPath, args, cwd: WORK, env }, opts.meter, scratch);
    },
    opts,
  );
  const books = await countBooks(outDir);
  const formats = c.format === 'epub' || c.format === 'pdf' ? 1 : 2;
  const notes = [...m.notes];
  if (!m.failed && books !== c.stories * formats)
    notes.push(`${books} books written, ${c.stories * formats} expected`);
  if (c.group === 'corpus' && !opts.cli.jobs) notes.push('no --jobs option in this ficbind: default build');
  return {
    id: c.id,
    group: c.group,
    label: c.label,
    tool: 'ficbind',
    format: c.mode === 'warm' ? 'epub,pdf (no change)' : c.format,
    stories: c.stories,
    words: c.words,
    command: `node ${args.join(' ')}`,
    summary: m.samples.length > 0 ? summarise(m.samples) : null,
    books,
    notes,
    failed: m.failed,
  };
}

/** A peer makes one book per process: a run of a case is every story in turn, times summed. */
async function runPeer(peer: Peer, c: CaseSpec, format: PeerFormat, opts: Options): Promise<CaseResult> {
  const outDir = path.join(WORK, 'peers', peer.name.replace(/\W+/g, '-'), c.group, format);
  const scratch = path.join(WORK, 'scratch');
  const commands = c.inputs.map((input) => {
    const out = path.join(outDir, `${path.basename(input, '.txt')}.${format}`);
    return peer.command(rel(input), path.relative(WORK, out));
  });
  const m = await measure(
    `${c.group} ${peer.name} ${format}`,
    async () => {
      await fs.rm(outDir, { recursive: true, force: true });
      await fs.mkdir(outDir, { recursive: true });
      let wall = 0;
      let cpu = 0;
      let rssMiB = 0;
      for (const cmd of commands) {
        const r = await run(
          {
            command: cmd.command,
            args: cmd.args,
            cwd: WORK,
            timeoutSeconds: opts.peerTimeout,
            ...(cmd.env ? { env: cmd.env } : {}),
          },
          opts.meter,
          scratch,
        );
        if (r.exitCode !== 0) return { ...r, wall: wall + r.wall, cpu: cpu + r.cpu };
        wall += r.wall;
        cpu += r.cpu;
        rssMiB = Math.max(rssMiB, r.rssMiB);
      }
      return { wall, cpu, rssMiB, exitCode: 0, stderrTail: '' };
    },
    opts,
  );
  const first = commands[0];
  return {
    id: `${c.group}:${peer.name}:${format}`,
    group: c.group,
    label: c.label,
    tool: peer.name,
    format,
    stories: c.stories,
    words: c.words,
    command: first
      ? `${first.command} ${first.args.join(' ')}${commands.length > 1 ? ' (one per story)' : ''}`
      : '',
    summary: m.samples.length > 0 ? summarise(m.samples) : null,
    books: await countBooks(outDir),
    notes: m.notes,
    failed: m.failed,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      only: { type: 'string' },
      'max-seconds': { type: 'string', default: '150' },
      'peer-timeout': { type: 'string', default: '300' },
      seed: { type: 'string', default: '20240501' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const runs = Number(values.runs);
  const maxSeconds = Number(values['max-seconds']);
  const peerTimeout = Number(values['peer-timeout']);
  if (!(peerTimeout > 0))
    throw new Error(`--peer-timeout takes a number of seconds, not ${values['peer-timeout']}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs takes a whole number ≥ 1, not ${values.runs}`);
  if (!(maxSeconds > 0))
    throw new Error(`--max-seconds takes a number of seconds, not ${values['max-seconds']}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed takes a whole number, not ${values.seed}`);
  const only = new Set((values.only ?? GROUPS.join(',')).split(',').map((x) => x.trim()));
  for (const g of only)
    if (!GROUPS.includes(g as Group)) throw new Error(`--only takes ${GROUPS.join(', ')}, not "${g}"`);
  const quick = values.quick;

  ensureCompiled();
  // The commit being measured: taken now, since others may commit while a long run goes on.
  const commit = gitCommit();
  const cli = cliFeatures();
  const meter = chooseMeter();
  const opts: Options = { runs, maxSeconds, peerTimeout, meter, cli };
  const notes: string[] = [];
  if (meter !== 'gnu-time')
    notes.push(
      'GNU time (/usr/bin/time, Debian package "time") is missing: CPU time and peak memory come from the ficbind process\u2019s own process.resourceUsage(), which leaves out any child processes it starts.',
    );

  const novelWords = quick ? 100_000 : 1_000_000;
  const corpusStories = quick ? 100 : 1000;
  await fs.mkdir(WORK, { recursive: true });
  log('Generating inputs…');
  const inputs: Inputs = await generateInputs(path.join(ROOT, 'stories'), WORK, {
    name: quick ? 'quick' : 'full',
    novels: { novel: novelWords, 'novel-2x': novelWords * 2 },
    corpusStories,
    seed,
  });
  log(
    `  ${inputs.reused ? 'reused' : 'generated'} in ${inputs.reused ? '0' : inputs.generatedMs} ms: novels of ${Object.values(
      inputs.novels,
    )
      .map((n) => n.words.toLocaleString('en'))
      .join(
        ' and ',
      )} words, ${inputs.corpus.stories} corpus stories (${inputs.corpus.words.toLocaleString('en')} words)`,
  );
  const real = await realStories();
  if (real.note) notes.push(real.note);

  const novel = inputs.novels.novel;
  const novel2 = inputs.novels['novel-2x'];
  if (!novel || !novel2) throw new Error('the input generator made no novels');
  const kWords = (n: number): string =>
    n >= 1_000_000
      ? `${(n / 1_000_000).toLocaleString('en')}M-word story`
      : `${Math.round(n / 1000)}k-word story`;
  const labels = {
    real: real.label,
    novel: kWords(novelWords),
    novel2: kWords(novelWords * 2),
    corpus: `${corpusStories.toLocaleString('en')}-story corpus`,
  };

  const specs: CaseSpec[] = [];
  if (only.has('real'))
    for (const format of ['epub', 'pdf', 'epub,pdf'])
      specs.push({
        id: `real:ficbind:${format}`,
        group: 'real',
        label: labels.real,
        format,
        stories: real.paths.length,
        words: 0,
        inputs: real.paths,
        mode: 'cold',
      });
  for (const [group, info, label] of [
    ['novel', novel, labels.novel],
    ['novel-2x', novel2, labels.novel2],
  ] as const) {
    if (!only.has(group)) continue;
    for (const format of ['epub', 'pdf'])
      specs.push({
        id: `${group}:ficbind:${format}`,
        group,
        label,
        format,
        stories: 1,
        words: info.words,
        inputs: [info.file],
        mode: 'cold',
      });
  }
  if (only.has('corpus'))
    for (const mode of ['cold', 'warm'] as const)
      specs.push({
        id: `corpus:ficbind:${mode}`,
        group: 'corpus',
        label: labels.corpus,
        format: 'epub,pdf',
        stories: inputs.corpus.stories,
        words: inputs.corpus.words,
        inputs: [inputs.corpus.dir],
        mode,
      });

  const cases: CaseResult[] = [];
  const hostCheck: ({ before: string } & HostCheck)[] = [];
  for (const spec of specs) {
    const check = checkHost();
    hostCheck.push({ before: spec.id, ...check });
    log(`${spec.id} (${spec.label}); host check ${check.computeMs} ms compute, ${check.memoryMs} ms memory`);
    cases.push(await runFicbind(spec, opts));
  }
  hostCheck.push({ before: 'the end', ...checkHost() });

  let peerRows: PeerRow[] | null = null;
  const peerNotes: string[] = [];
  if (values.peers) {
    const { peers, missing } = findPeers();
    peerNotes.push(...missing, ...peers.flatMap((p) => p.notes));
    peerNotes.push(
      ...peers.map((p) => `${p.name}: ${p.version}`),
      'Peers make one book per process, so a case of several stories is one process per story, times summed and memory the largest.',
      `Peers read the .txt as Markdown (pandoc) or plain text (calibre); the ${labels.corpus} and the ${labels.novel2} are not run through peers.`,
    );
    peerRows = [];
    for (const spec of specs.filter(
      (s) => (s.group === 'real' || s.group === 'novel') && s.format !== 'epub,pdf',
    )) {
      const format = spec.format as PeerFormat;
      const row: PeerRow = {
        case: spec.label,
        format,
        ficbind: find(cases, spec.id)?.summary ?? null,
        peers: [],
      };
      for (const peer of peers) {
        if (!peer.formats.includes(format)) {
          row.peers.push({ name: peer.name, summary: null, note: 'no PDF engine' });
          continue;
        }
        log(`${spec.group}:${peer.name}:${format}`);
        const result = await runPeer(peer, spec, format, opts);
        cases.push(result);
        row.peers.push({
          name: peer.name,
          summary: result.failed ? null : result.summary,
          ...(result.failed ? { note: result.notes.join('; ') || 'failed' } : {}),
        });
      }
      peerRows.push(row);
    }
  }

  const targets = evaluateTargets(cases, {
    quick,
    real: labels.real,
    novel: labels.novel,
    novel2: labels.novel2,
    corpus: labels.corpus,
    jobs: cli.jobs,
  });
  const date = new Date().toISOString();
  const report: Report = {
    date,
    commit,
    quick,
    runs,
    meter: meter === 'gnu-time' ? 'GNU time' : 'process.resourceUsage()',
    machine: machine(),
    hostCheck,
    cli,
    inputs: { ...inputs, realStories: real.paths.map((p) => path.basename(p)), seed },
    cases,
    targets,
    peers: peerRows,
    peerNotes,
    notes,
  };
  await fs.mkdir(RESULTS, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  const files = [`bench-${stamp}.json`, `bench-${stamp}.md`, 'latest.json', 'latest.md'].map((f) =>
    path.join(RESULTS, f),
  );
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = markdown(report);
  await Promise.all([
    fs.writeFile(files[0] as string, json),
    fs.writeFile(files[1] as string, md),
    fs.writeFile(files[2] as string, json),
    fs.writeFile(files[3] as string, md),
  ]);
  process.stdout.write(
    `${summaryText(
      report,
      files.slice(0, 2).map((f) => path.relative(ROOT, f)),
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
