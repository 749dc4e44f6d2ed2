/** The worker-thread side of the pool: builds one story per task and sends its books' bytes back. */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { buildStory, type StoryOutcome, type StoryTask } from './story-build.js';

/**
 * The books' bytes are moved to the main thread, not copied: for a large PDF a copy doubled the memory
 * the book takes at the end of the build. A buffer that shares its memory with others (Node's small-buffer
 * pool) cannot be moved without breaking them, so such a book is copied into memory of its own first.
 */
export default async function run(task: StoryTask): Promise<ReturnType<typeof move>> {
  const outcome = await buildStory(task);
  const files = outcome.files.map((f) =>
    f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength
      ? f
      : { ...f, bytes: new Uint8Array(f.bytes) },
  );
  const moved: StoryOutcome = { ...outcome, files };
  const buffers = [...new Set(files.map((f) => f.bytes.buffer))];
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return moved;
    },
  });
}
