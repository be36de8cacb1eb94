/** Scheduling alone, with a scripted pool (the real pool and engine are tested in test/cli/batch.test.ts). */
import { describe, expect, it } from 'vitest';
import type { BatchInput } from '../../src/batch/discover.js';
import { threadsPerJob, type FileReply } from '../../src/batch/pool.js';
import { runBatch, scheduleOrder, type FilePool } from '../../src/batch/runner.js';
import { CountSpeakersError } from '../../src/errors/index.js';

const inputs: BatchInput[] = [3, 9, 1, 9, 5, 2].map((size, i) => ({ file: `f${i}.wav`, key: `f${i}.wav`, sizeBytes: size }));

class ScriptedPool implements FilePool {
  inFlight = 0;
  maxInFlight = 0;
  started: string[] = [];
  constructor(
    readonly jobs: number,
    private readonly reply: (file: string) => FileReply = (file) => ({
      type: 'failed',
      file,
      error: { code: 'EMPTY_FILE', message: file },
      elapsedSec: 0,
    }),
  ) {}
  async diarize(file: string): Promise<FileReply> {
    this.started.push(file);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2 + (file.charCodeAt(1) % 3)));
    this.inFlight--;
    return this.reply(file);
  }
}

describe('batch scheduling', () => {
  it('threads per job never oversubscribe the cores', () => {
    expect(threadsPerJob(1, 2)).toBe(2);
    expect(threadsPerJob(2, 2)).toBe(1);
    expect(threadsPerJob(3, 2)).toBe(1);
    expect(threadsPerJob(3, 8)).toBe(2);
    for (let jobs = 1; jobs <= 8; jobs++)
      for (let cores = jobs; cores <= 16; cores++) expect(jobs * threadsPerJob(jobs, cores)).toBeLessThanOrEqual(cores);
  });

  it('largest files first, ties by key', () => {
    expect(scheduleOrder(inputs).map((i) => i.file)).toEqual(['f1.wav', 'f3.wav', 'f4.wav', 'f0.wav', 'f5.wav', 'f2.wav']);
  });

  it('keeps at most `jobs` files in flight and reports each file once', async () => {
    const pool = new ScriptedPool(2);
    const seen: string[] = [];
    await runBatch(inputs, pool, {}, { onResult: (i, r) => seen.push(`${i.file}:${r.type}`) });
    expect(pool.maxInFlight).toBe(2);
    expect([...seen].sort()).toEqual(inputs.map((i) => `${i.file}:failed`).sort());
  });

  it('an engine that cannot be created stops the batch with its error code, without recording files', async () => {
    const pool = new ScriptedPool(1, (file) => ({
      type: 'fatal',
      file,
      error: { code: 'MODEL_MISSING', message: 'models/x.onnx is missing' },
    }));
    const seen: string[] = [];
    const p = runBatch(inputs, pool, {}, { onResult: (i) => seen.push(i.file) });
    await expect(p).rejects.toBeInstanceOf(CountSpeakersError);
    await expect(p).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect(seen).toEqual([]);
    expect(pool.started).toHaveLength(1);
  });

  it('an output failure in the result handler stops the batch and is rethrown', async () => {
    const pool = new ScriptedPool(1);
    const boom = new CountSpeakersError('OUTPUT_UNWRITABLE', 'disk full');
    await expect(
      runBatch(
        inputs,
        pool,
        {},
        {
          onResult: () => {
            throw boom;
          },
        },
      ),
    ).rejects.toBe(boom);
    expect(pool.started).toHaveLength(1);
  });
});
