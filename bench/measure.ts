/**
 * Runs one whole process and measures it: wall time around the child, and the child's CPU time and
 * peak resident memory from GNU time (`/usr/bin/time`, Debian package `time`). Without GNU time, a
 * preloaded module makes the Node child report its own `process.resourceUsage()` at exit (same
 * figures for a Node process and its worker threads, but not for processes it spawns).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export type Meter = 'gnu-time' | 'node-resource-usage';

export interface Sample {
  /** Wall time around the child process, seconds. */
  readonly wall: number;
  /** User + system CPU time of the child and its descendants, seconds. */
  readonly cpu: number;
  /** Peak resident set size of the child (largest process of its tree), MiB. */
  readonly rssMiB: number;
  readonly exitCode: number;
}

export interface RunSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the child after this many seconds. */
  readonly timeoutSeconds?: number;
  /** Keep the child's standard output (else it is discarded). */
  readonly captureStdout?: boolean;
}

export interface RunResult extends Sample {
  readonly stderrTail: string;
  /** Killed at `timeoutSeconds`. */
  readonly timedOut?: boolean;
  readonly stdout?: string;
}

export function chooseMeter(): Meter {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'node-resource-usage';
}

/** Preload for the fallback meter: the Node child writes its own resource usage when it exits. */
const PRELOAD = `
const fs = require('node:fs');
const out = process.env.FICBIND_BENCH_RUSAGE;
if (out && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ user: u.userCPUTime / 1e6, system: u.systemCPUTime / 1e6, maxRssKiB: u.maxRSS }));
  });
}
`;

export async function run(spec: RunSpec, meter: Meter, scratch: string): Promise<RunResult> {
  await fs.mkdir(scratch, { recursive: true });
  const report = path.join(scratch, `rusage-${process.pid}-${Date.now()}.txt`);
  let command = spec.command;
  let args = [...spec.args];
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
  if (meter === 'gnu-time') {
    args = ['-f', '%e %U %S %M', '-o', report, command, ...args];
    command = GNU_TIME;
  } else {
    const preload = path.join(scratch, 'rusage-preload.cjs');
    await fs.writeFile(preload, PRELOAD);
    env.FICBIND_BENCH_RUSAGE = report;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim();
  }
  const started = performance.now();
  let timedOut = false;
  const { code, stderr, stdout } = await new Promise<{ code: number; stderr: string; stdout: string }>(
    (resolve, reject) => {
      const child = spawn(command, args, {
        cwd: spec.cwd,
        env,
        stdio: ['ignore', spec.captureStdout ? 'pipe' : 'ignore', 'pipe'],
        // A process group of its own, so a timeout can stop everything the command started.
        detached: spec.timeoutSeconds !== undefined,
      });
      let stderr = '';
      const stdoutChunks: string[] = [];
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (d: string) => stdoutChunks.push(d));
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (d: string) => {
        stderr = (stderr + d).slice(-4000);
      });
      const timer =
        spec.timeoutSeconds === undefined
          ? null
          : setTimeout(() => {
              timedOut = true;
              // GNU time passes no signal on: stop its whole process group (the command and its children).
              if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
            }, spec.timeoutSeconds * 1000);
      child.on('error', reject);
      child.on('close', (c, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ code: c ?? (signal ? 128 : 1), stderr, stdout: stdoutChunks.join('') });
      });
    },
  );
  const wall = (performance.now() - started) / 1000;
  let cpu = Number.NaN;
  let rssMiB = Number.NaN;
  try {
    const text = (await fs.readFile(report, 'utf8')).trim();
    if (meter === 'gnu-time') {
      // GNU time writes "Command exited with non-zero status N" before the figures on failure.
      const last = text.split('\n').at(-1) ?? '';
      const [, user, system, maxRss] = last.split(/\s+/).map(Number);
      cpu = (user ?? Number.NaN) + (system ?? Number.NaN);
      rssMiB = (maxRss ?? Number.NaN) / 1024;
    } else {
      const u = JSON.parse(text) as { user: number; system: number; maxRssKiB: number };
      cpu = u.user + u.system;
      rssMiB = u.maxRssKiB / 1024;
    }
  } catch {
    // The child died before reporting (killed, or not a Node process under the fallback meter).
  }
  await fs.rm(report, { force: true });
  return {
    wall,
    cpu,
    rssMiB,
    exitCode: code,
    ...(timedOut ? { timedOut } : {}),
    stderrTail: stderr.trim().split('\n').slice(-5).join('\n'),
    ...(spec.captureStdout ? { stdout } : {}),
  };
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export interface Summary {
  readonly runs: number;
  readonly wall: number;
  readonly wallMin: number;
  readonly wallMax: number;
  readonly cpu: number;
  readonly rssMiB: number;
  readonly samples: readonly Sample[];
}

export function summarise(samples: readonly Sample[]): Summary {
  const walls = samples.map((s) => s.wall);
  return {
    runs: samples.length,
    wall: median(walls),
    wallMin: Math.min(...walls),
    wallMax: Math.max(...walls),
    cpu: median(samples.map((s) => s.cpu)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    samples,
  };
}
