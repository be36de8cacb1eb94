/**
 * Powerset decoding (pyannote segmentation-3.0): each output frame scores the 7 classes
 * {}, {0}, {1}, {2}, {0,1}, {0,2}, {1,2} of up to 3 local speakers; the most likely class says
 * which local speakers are active in that frame. Pure, so tested with exact answers.
 */

/**
 * @param logProbs row-major [frames x classes]
 * @param powerset class -> local speakers active in it
 * @returns row-major [frames x speakers], 1 where the local speaker is active
 */
export function decodePowerset(
  logProbs: Float32Array,
  frames: number,
  powerset: readonly (readonly number[])[],
  speakers: number,
): Uint8Array {
  const classes = powerset.length;
  const out = new Uint8Array(frames * speakers);
  for (let f = 0; f < frames; f++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logProbs[f * classes + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    for (const s of powerset[best]) out[f * speakers + s] = 1;
  }
  return out;
}
