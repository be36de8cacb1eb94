import { describe, expect, it } from 'vitest';
import { fnv1a32, inShard, parseShard, shardOf } from '../../src/batch/shard.js';
import { ConfigError } from '../../src/errors/index.js';

describe('sharding', () => {
  it('FNV-1a matches the published 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is deterministic and independent of the other files', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `season${i % 7}/episode-${i}.mp4`);
    const before = keys.map((k) => shardOf(k, 5));
    // Adding files (and listing in another order) moves no existing file.
    const more = [...keys, ...Array.from({ length: 50 }, (_, i) => `new/${i}.wav`)].reverse();
    const after = new Map(more.map((k) => [k, shardOf(k, 5)]));
    keys.forEach((k, i) => {
      expect(after.get(k)).toBe(before[i]);
    });
  });

  it('every file is in exactly one shard', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `a/b/${i}.wav`);
    for (const k of keys) {
      const owners = [0, 1, 2, 3].filter((index) => inShard(k, { index, count: 4 }));
      expect(owners).toHaveLength(1);
    }
    expect(keys.every((k) => inShard(k, undefined))).toBe(true);
  });

  it('balances similar names across shards (within 10 % of the mean)', () => {
    const n = 8;
    const counts = new Array<number>(n).fill(0);
    const total = 16000;
    for (let i = 0; i < total; i++) counts[shardOf(`corpus/speaker${i % 40}/utt-${String(i).padStart(6, '0')}.wav`, n)]++;
    for (const c of counts) expect(Math.abs(c - total / n)).toBeLessThan(0.1 * (total / n));
  });

  it('parses i/n with 0 <= i < n and rejects the rest with a ConfigError naming the field', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/3', 'a/b', '2', '1/2/3']) {
      expect(() => parseShard(bad)).toThrow(ConfigError);
    }
    expect(() => parseShard('4/4')).toThrow(/shard/);
  });
});
