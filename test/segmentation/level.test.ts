/** raiseQuietWindows: exact gains per window; and why: the model hears a quiet window's speech again. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { OnnxSegmentationModel } from '../../src/segmentation/index.js';
import { raiseQuietWindows } from '../../src/segmentation/level.js';
import { decodePowerset } from '../../src/segmentation/powerset.js';

const RULE = { minWindowRmsDb: -20, maxWindowGainDb: 12 };

describe('raiseQuietWindows', () => {
  it('raises each quiet window to the floor, leaves louder ones and silence alone, never changes its input', () => {
    // Windows of 4: RMS 0.01 (-40 dB: capped at +12 dB), 0.05 (-26 dB: to -20 dB), 0.5 (left), silence (left).
    const batch = Float32Array.from([0.01, -0.01, 0.01, -0.01, 0.05, -0.05, 0.05, -0.05, 0.5, -0.5, 0.5, -0.5, 0, 0, 0, 0]);
    const before = batch.slice();
    const out = raiseQuietWindows(batch, 4, RULE);
    expect(batch).toEqual(before);
    const g12 = 10 ** (12 / 20);
    expect(out[0]).toBeCloseTo(0.01 * g12, 6);
    expect(out[1]).toBeCloseTo(-0.01 * g12, 6);
    expect(out[4]).toBeCloseTo(0.1, 6);
    expect(out[7]).toBeCloseTo(-0.1, 6);
    expect(Array.from(out.subarray(8))).toEqual(Array.from(before.subarray(8)));
  });

  it('a short last window is judged on its own samples', () => {
    const out = raiseQuietWindows(Float32Array.from([0.5, 0.5, 0.05, 0.05]), 3, RULE);
    expect(out[0]).toBe(0.5);
    expect(out[3]).toBeCloseTo(0.1, 6);
  });
});

describe('a quiet window through the segmentation model', () => {
  let model: OnnxSegmentationModel;
  beforeAll(async () => {
    model = await OnnxSegmentationModel.create();
  });
  afterAll(async () => {
    await model.dispose();
  });

  const speechFrames = async (x: Float32Array) => {
    const active = decodePowerset(await model.run(x, 1), model.framesPerWindow, model.powerset, model.maxSpeakersPerChunk);
    let n = 0;
    for (let f = 0; f < model.framesPerWindow; f++) if (active.subarray(f * 3, f * 3 + 3).some((v) => v)) n++;
    return n;
  };

  it('the example dialogue 64 dB down (about -82 dBFS) loses most of its speech unless it is raised', async () => {
    const audio = (await readAudio('fixtures/example/dialogue.wav')).samples;
    const w = audio.slice(0, model.windowSamples);
    const quiet = w.map((v) => v * 10 ** (-64 / 20));
    const rule = { minWindowRmsDb: -35, maxWindowGainDb: 30 };
    const normal = await speechFrames(w);
    const lost = await speechFrames(quiet);
    const raised = await speechFrames(raiseQuietWindows(quiet, model.windowSamples, rule));
    expect(normal).toBeGreaterThan(200);
    expect(lost).toBeLessThan(0.5 * normal);
    expect(Math.abs(raised - normal)).toBeLessThan(0.05 * normal);
  });
});
