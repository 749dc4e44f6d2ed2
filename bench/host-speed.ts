/**
 * Fixed pieces of work timed in the bench's own process, so a report says how fast the machine was while
 * it ran: on a shared virtual machine the same build varies by a third from one hour to the next, and a
 * figure from a slow hour is not a figure of slower code. Two kinds, as a neighbour may take either the
 * core or the memory: SHA-256 of 256 MiB (compute, one core) and a chain of 2 million dependent loads
 * across 64 MiB (memory latency). Each is the median of three tries (the best would hide the very
 * contention it is there to show), in milliseconds; lower is faster. The check runs between cases, not
 * during them.
 */
import { createHash } from 'node:crypto';

const BYTES = Buffer.alloc(64 * 2 ** 20, 0x5a);

/** A random cycle through 16 Mi slots (64 MiB): following it misses the caches at every step. */
let cycle: Uint32Array | null = null;
function makeCycle(): Uint32Array {
  const n = 16 * 2 ** 20;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let x = 1;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const next = new Uint32Array(n);
  for (let i = 0; i < n; i++) next[order[i] as number] = order[(i + 1) % n] as number;
  return next;
}

function median(work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    work();
    times.push(performance.now() - t);
  }
  return Math.round(times.sort((a, b) => a - b)[1] as number);
}

export interface HostCheck {
  /** SHA-256 of 256 MiB. */
  readonly computeMs: number;
  /** 2 million dependent loads across 64 MiB. */
  readonly memoryMs: number;
}

export function hostCheck(): HostCheck {
  cycle ??= makeCycle();
  const next = cycle;
  const computeMs = median(() => {
    const hash = createHash('sha256');
    for (let k = 0; k < 4; k++) hash.update(BYTES);
    hash.digest();
  });
  let at = 0;
  const memoryMs = median(() => {
    for (let i = 0; i < 2_000_000; i++) at = next[at] as number;
  });
  if (at < 0) throw new Error('unreachable: keeps the loads from being optimised away');
  return { computeMs, memoryMs };
}
