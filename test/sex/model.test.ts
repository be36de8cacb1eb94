import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors/index.js';
import { sigmoid } from '../../src/sex/logistic.js';
import { SEX_MODEL_FORMAT, SexModel, type SexChunkModelFile } from '../../src/sex/model.js';

/** Pitch block only (5 values); log-odds of female = 2 x (first value - 7.3). */
const TINY: SexChunkModelFile = {
  format: SEX_MODEL_FORMAT,
  positive: 'F',
  blocks: ['pitch'],
  model: { mean: [7.3, 0, 0, 0, 0], std: [0.5, 1, 1, 1, 1], weights: [1, 0, 0, 0, 0], bias: 0 },
  calibration: { scale: 1.5, bias: 0.25 },
  trainedOn: {},
};

const row = (log2F0: number) => Float32Array.from([log2F0, 7, 8, 0.5, 0.1]);

describe('SexModel.decide', () => {
  const m = SexModel.fromModel(TINY);

  it('weights chunks by seconds and applies the calibration', () => {
    // Logits 2 x (8 - 7.3) = 1.4 for 6 s and 2 x (6.8 - 7.3) = -1 for 2 s: mean 0.8.
    const d = m.decide([row(8), row(6.8)], [6, 2]);
    expect(d.sex).toBe('F');
    expect(d.confidence).toBeCloseTo(sigmoid(1.5 * 0.8 + 0.25), 6);
  });

  it('a long low-pitched chunk outweighs a short high one', () => {
    const d = m.decide([row(8), row(6.8)], [1, 9]);
    // (1.4 - 9) / 10 = -0.76 -> 1.5 x -0.76 + 0.25 = -0.89
    expect(d.sex).toBe('M');
    expect(d.confidence).toBeCloseTo(1 - sigmoid(-0.89), 6);
  });

  it('no speech is an undecided M at 0.5', () => {
    expect(m.decide([], [])).toEqual({ sex: 'M', confidence: 0.5 });
  });

  it('rejects rows and weights that do not match, naming the field', () => {
    expect(() => m.decide([row(8)], [1, 2])).toThrow(/weightsSec/);
    expect(() => m.decide([new Float32Array(3)], [1])).toThrow(/rows\[0\]/);
    expect(() => m.decide([row(8)], [-1])).toThrow(/weightsSec\[0\]/);
  });

  it('rejects a model file whose weights do not fit its blocks', () => {
    expect(() => SexModel.fromModel({ ...TINY, blocks: ['campplus'] })).toThrow(ModelError);
    expect(() => SexModel.fromModel({ ...TINY, calibration: undefined as never })).toThrow(/calibration/);
  });

  it('features() of a pitch-only model needs no ONNX session', async () => {
    const sr = 16000;
    const x = Float32Array.from({ length: sr * 2 }, (_, i) => Math.sin((2 * Math.PI * 220 * i) / sr) + 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr));
    const r = await m.features(x, new Float32Array(192));
    expect(r.length).toBe(5);
    expect(2 ** r[0]).toBeCloseTo(220, 0);
  });
});
