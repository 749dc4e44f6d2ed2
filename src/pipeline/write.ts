import fs from 'node:fs';
import path from 'node:path';

/** Temporary files being written right now, removed if the process is interrupted. */
const inFlight = new Set<string>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const cleanup = () => {
    for (const tmp of inFlight) fs.rmSync(tmp, { force: true });
    inFlight.clear();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, which is then renamed
 * over the target. A reader never sees a half-written book, and an interrupted build leaves none behind.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  installCleanup();
  const dir = path.dirname(target);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${inFlight.size}.tmp`);
  inFlight.add(tmp);
  try {
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  } finally {
    inFlight.delete(tmp);
  }
}
