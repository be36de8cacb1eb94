import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors/index.js';
import { sigmoid } from '../../src/sex/logistic.js';
import { SEX_MODEL_FORMAT, SexModel, type SexChunkModelFile } from '../../src/sex/model.js';

const DIM = 192;
/** CAM++ block only (no ONNX session needed); log-odds of female = 2 x the row's first value. */
const TINY: SexChunkModelFile = {
  format: SEX_MODEL_FORMAT,
  positive: 'F',
  blocks: ['campplus'],
  model: { mean: new Array(DIM).fill(0), std: [0.5, ...new Array(DIM - 1).fill(1)], weights: [1, ...new Array(DIM - 1).fill(0)], bias: 0 },
  calibration: { scale: 1.5, bias: 0.25 },
  trainedOn: {},
};

const row = (first: number) => {
  const r = new Float32Array(DIM);
  r[0] = first;
  return r;
};

describe('SexModel.decide', () => {
  const m = SexModel.fromModel(TINY);

  it('weights chunks by seconds and applies the calibration', () => {
    // Logits 1.4 for 6 s and -1 for 2 s: mean 0.8.
    const d = m.decide([row(0.7), row(-0.5)], [6, 2]);
    expect(d.sex).toBe('F');
    expect(d.confidence).toBeCloseTo(sigmoid(1.5 * 0.8 + 0.25), 6);
  });

  it('a long male-looking chunk outweighs a short female-looking one', () => {
    const d = m.decide([row(0.7), row(-0.5)], [1, 9]);
    // (1.4 - 9) / 10 = -0.76 -> 1.5 x -0.76 + 0.25 = -0.89
    expect(d.sex).toBe('M');
    expect(d.confidence).toBeCloseTo(1 - sigmoid(-0.89), 6);
  });

  it('no speech is an undecided M at 0.5', () => {
    expect(m.decide([], [])).toEqual({ sex: 'M', confidence: 0.5 });
  });

  it('rejects rows and weights that do not match, naming the field', () => {
    expect(() => m.decide([row(1)], [1, 2])).toThrow(/weightsSec/);
    expect(() => m.decide([new Float32Array(3)], [1])).toThrow(/rows\[0\]/);
    expect(() => m.decide([row(1)], [-1])).toThrow(/weightsSec\[0\]/);
  });

  it('rejects a model file whose weights do not fit its blocks', () => {
    expect(() => SexModel.fromModel({ ...TINY, blocks: ['hidden_mean'] })).toThrow(ModelError);
    expect(() => SexModel.fromModel({ ...TINY, calibration: undefined as never })).toThrow(/calibration/);
  });

  it('features() of a CAM++-only model is the unit-length embedding, with no ONNX session', async () => {
    const e = new Float32Array(DIM).fill(0);
    e[0] = 3;
    e[1] = 4;
    const r = await m.features(new Float32Array(16000), e);
    expect(r[0]).toBeCloseTo(0.6, 6);
    expect(r[1]).toBeCloseTo(0.8, 6);
    await expect(m.features(new Float32Array(16000), new Float32Array(10))).rejects.toThrow(/speakerEmbedding/);
  });
});
