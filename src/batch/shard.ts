/**
 * Deterministic sharding: a file belongs to shard `fnv1a(key) mod count`, where key is its path
 * relative to the corpus root with '/' separators. A hash of the name rather than a position in
 * a listing means adding or removing files never moves the others to another shard, so n
 * machines can split a corpus with no coordination.
 */
import { ConfigError } from '../errors/index.js';

export interface Shard {
  /** 0-based index of this shard. */
  index: number;
  count: number;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `key`. */
export function fnv1a32(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function shardOf(key: string, count: number): number {
  return fnv1a32(key) % count;
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(key, shard.count) === shard.index;
}

/** Parse "i/n" (0 <= i < n), the form Slurm array and Kubernetes Indexed Job indices fit. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ConfigError('shard', 'the form i/n with 0 <= i < n, e.g. 0/4', text);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 1_000_000 || index >= count) {
    throw new ConfigError(
      'shard',
      `i/n with n >= 1 and 0 <= i < n (shards are numbered from 0, e.g. 0/${Math.max(1, count)} .. ${Math.max(0, count - 1)}/${Math.max(1, count)})`,
      text,
    );
  }
  return { index, count };
}
