/** OnnxSegmentationModel: facts from the ONNX metadata, errors for bad files and bad calls. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors/index.js';
import { OnnxSegmentationModel, defaultSegmentationModelPath, segmentationFacts } from '../../src/segmentation/index.js';

const GOOD: Record<string, string> = {
  sample_rate: '16000',
  window_samples: '160000',
  num_frames_per_window: '589',
  frame_start_sec: '0.0',
  frame_step_sec: '0.016875',
  frame_duration_sec: '0.0619375',
  num_classes: '7',
  max_speakers_per_chunk: '3',
  powerset: '[[],[0],[1],[2],[0,1],[0,2],[1,2]]',
};

describe('segmentationFacts', () => {
  it('reads the facts tools/convert_segmentation.py writes', () => {
    expect(segmentationFacts(GOOD, 'm.onnx')).toEqual({
      sampleRateHz: 16000,
      windowSamples: 160000,
      framesPerWindow: 589,
      frameStartSec: 0,
      frameStepSec: 0.016875,
      frameDurationSec: 0.0619375,
      numClasses: 7,
      powerset: [[], [0], [1], [2], [0, 1], [0, 2], [1, 2]],
      maxSpeakersPerChunk: 3,
    });
  });

  it.each([
    ['frame_step_sec', '0'],
    ['frame_step_sec', undefined],
    ['frame_start_sec', '-1'],
    ['frame_duration_sec', 'abc'],
    ['num_classes', '6'],
    ['powerset', '[[],[0],[1],[2],[0,1],[0,2],[0,2]]'],
    ['powerset', '[[],[0],[1],[3],[0,1],[0,2],[1,2]]'],
    ['powerset', '[[],[0],[1],[2],[1,0],[0,2],[1,2]]'],
    ['powerset', 'not json'],
  ])('%s = %s is MODEL_MISMATCH naming the key', (key, value) => {
    const meta = { ...GOOD };
    if (value === undefined) delete meta[key];
    else meta[key] = value;
    const where = key === 'num_classes' ? 'powerset' : key;
    expect(() => segmentationFacts(meta, 'm.onnx')).toThrowError(
      expect.objectContaining({ code: 'MODEL_MISMATCH', message: expect.stringContaining(where) }),
    );
  });
});

describe('OnnxSegmentationModel', () => {
  let model: OnnxSegmentationModel;
  let dir: string;
  beforeAll(async () => {
    model = await OnnxSegmentationModel.create();
    dir = mkdtempSync(path.join(tmpdir(), 'seg-model-'));
  });
  afterAll(async () => {
    await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exposes the shipped model facts', () => {
    expect(model).toMatchObject({
      sampleRateHz: 16000,
      windowSamples: 160000,
      framesPerWindow: 589,
      numClasses: 7,
      maxSpeakersPerChunk: 3,
      frameStartSec: 0,
    });
    expect(model.frameStepSec * 16000).toBeCloseTo(270, 9);
    expect(model.frameDurationSec * 16000).toBeCloseTo(991, 9);
    expect(model.powerset).toEqual([[], [0], [1], [2], [0, 1], [0, 2], [1, 2]]);
  });

  it('returns log-probabilities: each frame exponentiates to a distribution', async () => {
    const x = new Float32Array(2 * model.windowSamples);
    for (let i = 0; i < x.length; i++) x[i] = 0.05 * Math.sin(i * 0.05) * Math.sin(i * 0.0001);
    const out = await model.run(x, 2);
    expect(out.length).toBe(2 * model.framesPerWindow * model.numClasses);
    for (let f = 0; f < 2 * model.framesPerWindow; f += 97) {
      let sum = 0;
      for (let c = 0; c < model.numClasses; c++) sum += Math.exp(out[f * model.numClasses + c]);
      expect(sum).toBeCloseTo(1, 4);
    }
  });

  it('rejects input that is not batch x windowSamples', async () => {
    await expect(model.run(new Float32Array(1000), 1)).rejects.toThrowError(expect.objectContaining({ code: 'MODEL_MISMATCH' }));
    await expect(model.run(new Float32Array(model.windowSamples), 0)).rejects.toBeInstanceOf(ModelError);
  });

  it('a missing file is MODEL_MISSING naming the path and the fix', async () => {
    const file = path.join(dir, 'nope.onnx');
    await expect(OnnxSegmentationModel.create({ modelPath: file })).rejects.toThrowError(
      expect.objectContaining({ code: 'MODEL_MISSING', message: expect.stringContaining('tools/convert_segmentation.py') }),
    );
  });

  it('another ONNX model (no segmentation metadata) is MODEL_MISMATCH', async () => {
    const file = path.join(dir, 'campplus.onnx');
    copyFileSync(path.join(path.dirname(defaultSegmentationModelPath()), 'campplus.onnx'), file);
    await expect(OnnxSegmentationModel.create({ modelPath: file })).rejects.toThrowError(
      expect.objectContaining({ code: 'MODEL_MISMATCH' }),
    );
    const junk = path.join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    await expect(OnnxSegmentationModel.create({ modelPath: junk })).rejects.toThrowError(
      expect.objectContaining({ code: 'MODEL_MISMATCH' }),
    );
  });

  it('threads is validated; a disposed model says so', async () => {
    await expect(OnnxSegmentationModel.create({ threads: 0 })).rejects.toThrowError(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    const m = await OnnxSegmentationModel.create();
    await m.dispose();
    await expect(m.run(new Float32Array(m.windowSamples), 1)).rejects.toThrowError(expect.objectContaining({ code: 'MODEL_MISSING' }));
  });
});
