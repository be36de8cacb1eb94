import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, frameEnergiesDb, isSilentPiece, SILENT_PIECE_DB, speechLevelDb } from '../../tools/lib/speech-level.js';

const tone = (n: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * 200 * i) / 16000));

describe('speech level of simulator pieces', () => {
  it('frame energy of a full-scale sine is -3.01 dB, of silence the -120 dB floor', () => {
    // 200 Hz at 16 kHz: 80 samples per period, so a 480-sample frame holds whole periods.
    expect(frameEnergiesDb(tone(FRAME_SAMPLES * 2, 1))[0]).toBeCloseTo(-3.0103, 3);
    expect(frameEnergiesDb(new Float32Array(FRAME_SAMPLES))[0]).toBeCloseTo(-120, 6);
  });

  it('speech level is the 95th-percentile frame, so short loud bursts do not set it', () => {
    const x = tone(FRAME_SAMPLES * 100, 0.1); // -23.01 dB everywhere
    x.set(tone(FRAME_SAMPLES * 2, 1), 0); // 2 % of frames at -3 dB
    expect(speechLevelDb(x)).toBeCloseTo(-23.0103, 3);
    expect(speechLevelDb(new Float32Array(100))).toBe(-120);
  });

  it('a piece far below its utterance level is a pause; a softer sentence is not', () => {
    const utterance = speechLevelDb(tone(FRAME_SAMPLES * 50, 0.1));
    const roomTone = tone(FRAME_SAMPLES * 50, 0.001); // 40 dB down
    const softSentence = tone(FRAME_SAMPLES * 50, 0.03); // 10.5 dB down
    expect(isSilentPiece(roomTone, utterance)).toBe(true);
    expect(isSilentPiece(softSentence, utterance)).toBe(false);
    const edge = tone(FRAME_SAMPLES * 50, 0.1 * 10 ** (-(SILENT_PIECE_DB - 0.5) / 20));
    expect(isSilentPiece(edge, utterance)).toBe(false);
  });
});
