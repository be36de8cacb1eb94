/**
 * Cutting log mel bands into the speech/music model's input: patches of `patchFrames` frames of
 * the first `patchBands` bands, starting every `stepFrames` frames, each standardised to mean 0
 * and deviation 1 over the whole patch, as inaSpeechSegmenter's _get_patches does (so the level
 * of the audio does not matter). Pure, so tested without ONNX.
 */
import type { MelSpectrogram } from '../features/types.js';

export interface Patches {
  /** [count x patchFrames x patchBands], row-major. */
  data: Float32Array;
  count: number;
}

/**
 * Patches of `mel`. A patch holding a value at or below `floor` (a log of digital silence, which
 * SIDEKIT gives as -Infinity and inaSpeechSegmenter then leaves undecided) is left out, as is a
 * patch with no variation at all.
 */
export function standardisedPatches(
  mel: MelSpectrogram,
  patchFrames: number,
  patchBands: number,
  stepFrames: number,
  floor: number,
): Patches {
  if (patchBands > mel.melBands) throw new RangeError(`patchBands ${patchBands} exceeds the ${mel.melBands} bands given`);
  const size = patchFrames * patchBands;
  const starts: number[] = [];
  for (let t = 0; t + patchFrames <= mel.frames; t += stepFrames) starts.push(t);
  const data = new Float32Array(starts.length * size);
  let count = 0;
  const patch = new Float64Array(size);
  next: for (const t0 of starts) {
    let sum = 0;
    for (let t = 0; t < patchFrames; t++) {
      for (let b = 0; b < patchBands; b++) {
        const v = mel.data[(t0 + t) * mel.melBands + b];
        if (!(v > floor)) continue next;
        patch[t * patchBands + b] = v;
        sum += v;
      }
    }
    const mean = sum / size;
    let sq = 0;
    for (let i = 0; i < size; i++) sq += (patch[i] - mean) ** 2;
    const sd = Math.sqrt(sq / size);
    if (!(sd > 0)) continue;
    const out = data.subarray(count * size, (count + 1) * size);
    for (let i = 0; i < size; i++) out[i] = (patch[i] - mean) / sd;
    count++;
  }
  return { data: data.subarray(0, count * size), count };
}
