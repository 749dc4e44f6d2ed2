/** The worker-thread side of the pool: builds one story per task and sends its books' bytes back. */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { buildStory, type StoryOutcome, type StoryTask } from './story-build.js';

/**
 * The books' bytes are moved to the main thread, not copied: for a large PDF a copy doubled the memory
 * the book takes at the end of the build. A writer's pieces share their memory with nothing else (see
 * `WriterPieces`), except a small buffer cut from Node's shared pool, which cannot be moved without
 * breaking the others: such a piece is copied into memory of its own first.
 */
export const ownMemory = (piece: Uint8Array): Uint8Array =>
  piece.buffer.byteLength > Buffer.poolSize || piece.byteLength === piece.buffer.byteLength
    ? piece
    : new Uint8Array(piece);

export default async function run(task: StoryTask): Promise<ReturnType<typeof move>> {
  const outcome = await buildStory(task);
  const files = outcome.files.map((f) => ({ ...f, pieces: f.pieces.map(ownMemory) }));
  const moved: StoryOutcome = { ...outcome, files };
  const buffers = [...new Set(files.flatMap((f) => f.pieces.map((piece) => piece.buffer)))];
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return moved;
    },
  });
}
