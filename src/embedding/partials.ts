/**
 * Resemblyzer VoiceEncoder.compute_partial_slices, ported line for line (including numpy's
 * round-half-to-even), so embedUtterance cuts an utterance exactly where Resemblyzer does.
 */
export interface PartialSlice {
  /** First mel frame (inclusive). */
  startFrame: number;
  /** Last mel frame (exclusive); always startFrame + partialFrames. */
  endFrame: number;
  startSample: number;
  endSample: number;
}

/** numpy.round / Python 3 round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function computePartialSlices(
  nSamples: number,
  opts: { partialsPerSec: number; minCoverage: number; partialFrames: number; hopSamples: number; sampleRateHz: number },
): PartialSlice[] {
  const { partialsPerSec, minCoverage, partialFrames, hopSamples, sampleRateHz } = opts;
  const nFrames = Math.ceil((nSamples + 1) / hopSamples);
  const frameStep = roundHalfEven(sampleRateHz / partialsPerSec / hopSamples);
  if (frameStep <= 0 || frameStep > partialFrames) {
    throw new RangeError(`partialsPerSec ${partialsPerSec} gives a step of ${frameStep} frames; expected 1..${partialFrames}`);
  }
  const slices: PartialSlice[] = [];
  const steps = Math.max(1, nFrames - partialFrames + frameStep + 1);
  for (let i = 0; i < steps; i += frameStep) {
    slices.push({ startFrame: i, endFrame: i + partialFrames, startSample: i * hopSamples, endSample: (i + partialFrames) * hopSamples });
  }
  const last = slices[slices.length - 1];
  const coverage = (nSamples - last.startSample) / (last.endSample - last.startSample);
  if (coverage < minCoverage && slices.length > 1) slices.pop();
  return slices;
}
