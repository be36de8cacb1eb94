/**
 * CAM++ on its own thread gives the same embeddings as on the calling thread (the same code runs
 * there), in order when many chunks are in flight, starts a new thread when its thread died, and
 * says what failed when the model is missing.
 */
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import { CampPlusThread } from '../../src/embedding/campplusThread.js';
import { readAudio } from '../../src/audio/index.js';

const example = new URL('../../fixtures/example/dialogue.wav', import.meta.url);

describe('CampPlusThread', () => {
  let here: CampPlusEmbedder;
  let thread: CampPlusThread;
  let audio: Float32Array;
  beforeAll(async () => {
    here = await CampPlusEmbedder.create({ threads: 1 });
    thread = await CampPlusThread.create({ threads: 1 });
    audio = (await readAudio(fileURLToPath(example))).samples;
  });
  afterAll(async () => {
    await here.dispose();
    await thread.dispose();
  });

  it('gives the embeddings of the calling thread, each to its own chunk, with many in flight', async () => {
    expect(thread.dim).toBe(here.dim);
    const chunks = Array.from({ length: 12 }, (_, i) => audio.subarray(i * 12_000, i * 12_000 + 8_000 + 4_000 * (i % 3)));
    const fromThread = await Promise.all(chunks.map((c) => thread.embed(c)));
    for (let i = 0; i < chunks.length; i++) expect(fromThread[i]).toEqual(await here.embed(chunks[i]));
  });

  it('returns null for a chunk too short to embed, as the embedder does', async () => {
    expect(await thread.embed(new Float32Array(100))).toBeNull();
  });

  it('rejects embed() after dispose() and disposes once', async () => {
    const t = await CampPlusThread.create();
    await Promise.all([t.dispose(), t.dispose()]);
    await expect(t.embed(audio.subarray(0, 16_000))).rejects.toThrowError(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('embeds on a new thread after its thread died, instead of failing every later chunk', async () => {
    const t = await CampPlusThread.create();
    try {
      const chunk = audio.subarray(0, 16_000);
      // A thread that dies (out of memory, a crash in the runtime) ends with an exit event like this one.
      await (t as unknown as { worker: Worker }).worker.terminate();
      expect(await t.embed(chunk)).toEqual(await here.embed(chunk));
      expect(await t.embed(chunk)).toEqual(await here.embed(chunk));
    } finally {
      await t.dispose();
    }
  });

  it('names the missing model file and the fix', async () => {
    await expect(CampPlusThread.create({ modelPath: '/nowhere/campplus.onnx' })).rejects.toThrowError(
      expect.objectContaining({ code: 'MODEL_MISSING', file: '/nowhere/campplus.onnx', message: expect.stringContaining('Reinstall') }),
    );
  });
});
