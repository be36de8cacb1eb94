import { describe, expect, it } from 'vitest';
import { foldSmallClusters } from '../../src/pipeline/fold.js';
import { DEFAULT_PIPELINE_CONFIG, validatePipelineConfig } from '../../src/pipeline/config.js';

describe('foldSmallClusters', () => {
  // Clusters 0 and 2 are stable (>= 4 s); 1 has 3 s, 3 has 1.5 s, 4 has 2.5 s.
  const speech = [10, 3, 8, 1.5, 2.5];
  // Similarity of each small cluster to the stable ones (higher: more alike).
  const sim: Record<number, Record<number, number>> = {
    1: { 0: -40, 2: -12 },
    3: { 0: -90, 2: -80 },
    4: { 0: -30, 2: -60 },
  };
  const similarity = (c: number, k: number) => sim[c][k];

  it('folds a small cluster into its most alike stable one when alike enough, keeps it otherwise', () => {
    const t = foldSmallClusters(speech, 4, 2, similarity, (best) => best > -25);
    expect(Array.from(t)).toEqual([0, 2, 2, 2, 4]);
  });

  it('always folds what is under minSpeechSec, even when unlike every stable cluster', () => {
    const t = foldSmallClusters(speech, 4, 2, similarity, () => false);
    expect(Array.from(t)).toEqual([0, 1, 2, 2, 4]);
  });

  it('keeps every cluster when none is stable, or when all are', () => {
    expect(Array.from(foldSmallClusters([3, 2.5], 4, 2, () => 0, () => true))).toEqual([0, 1]);
    expect(Array.from(foldSmallClusters([5, 6], 4, 2, () => 0, () => true))).toEqual([0, 1]);
  });

  it('takes the first of equally alike stable clusters', () => {
    expect(Array.from(foldSmallClusters([5, 3, 5], 4, 2, () => 1, () => true))).toEqual([0, 0, 2]);
  });
});

describe('pipeline config: foldLlrThreshold', () => {
  it('defaults to the calibrated -25 and rejects a non-number naming the field', () => {
    expect(DEFAULT_PIPELINE_CONFIG.foldLlrThreshold).toBe(-25);
    expect(validatePipelineConfig({ foldLlrThreshold: -20 }).foldLlrThreshold).toBe(-20);
    expect(() => validatePipelineConfig({ foldLlrThreshold: Number.NaN })).toThrow(/foldLlrThreshold/);
  });
});
