import fs from 'node:fs';
import path from 'node:path';

/** Temporary files being written right now, removed if the process is interrupted. */
const inFlight = new Set<string>();
let exitCleanupInstalled = false;
let counter = 0;

/** `.<name>.<pid>.<n>.tmp`: hidden, and naming the process that writes it. */
const TEMP_NAME = /^\..+\.(\d+)\.\d+\.tmp$/;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeInFlight(): void {
  for (const tmp of inFlight) fs.rmSync(tmp, { force: true });
  inFlight.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeInFlight();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/**
 * The signal handlers are there only while a temporary file is: a handler makes Node wait for the
 * JavaScript on this thread, and a story built on this thread can keep it busy for seconds, so Ctrl-C
 * between writes stops the build at once (there is nothing to clean up then).
 */
function track(tmp: string): void {
  if (!exitCleanupInstalled) {
    exitCleanupInstalled = true;
    process.on('exit', removeInFlight);
  }
  if (inFlight.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  inFlight.add(tmp);
}

function untrack(tmp: string): void {
  inFlight.delete(tmp);
  if (inFlight.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, which is then renamed
 * over the target. A reader never sees a half-written book, and an interrupted build leaves none behind
 * (a killed one may leave a hidden temporary file, which `removeStaleTempFiles` clears next time).
 */
export async function writeFileAtomic(
  target: string,
  bytes: Uint8Array | readonly Uint8Array[],
): Promise<void> {
  const dir = path.dirname(target);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
  track(tmp);
  try {
    const handle = await fs.promises.open(tmp, 'w');
    try {
      // Each writeFile continues from where the last one ended.
      for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) await handle.writeFile(piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  } finally {
    untrack(tmp);
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a killed build (SIGKILL, a crash, a power cut) left in `dir`: those
 * whose writing process no longer runs. Returns the names removed.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
