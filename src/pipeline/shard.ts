import { createHash } from 'node:crypto';
import { slugFromPath } from '../parse/index.js';
import type { Shard } from './options.js';

/**
 * Which of `count` slices (1-based) a story belongs to. The slice follows from the story's output name
 * alone, so it is the same on every machine and a story stays in its slice when others are added or
 * removed (each CI job's cached `out/` stays valid).
 */
export function shardOf(source: string, count: number): number {
  const digest = createHash('sha256').update(slugFromPath(source).toLowerCase()).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** The stories of one slice, in their original order. */
export function selectShard(sources: readonly string[], shard: Shard | null): string[] {
  return shard === null ? [...sources] : sources.filter((s) => shardOf(s, shard.count) === shard.index);
}
