/**
 * The speech/music stage against the originals (tools/speech_music_reference.py): SIDEKIT's log
 * mel bands (inaSpeechSegmenter 0.8.0's sidekit_mfcc) for both frontends (TypeScript and the WASM
 * core), and the Keras model's music probabilities for patches of the same signals, which this
 * side cuts, standardises and runs through models/speech-music.onnx. The references round the
 * power spectrum to float32, this side works in float64: bands agree within 1e-3 (log units), except
 * bands far below their frame's peak (a pure tone's), where float32 rounding noise rules.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import goldens from './speech-music-goldens.json' with { type: 'json' };
import { readAudio } from '../../src/audio/index.js';
import { kaldiFbank, SPEECH_MUSIC_FBANK_CONFIG } from '../../src/features/kaldiFbank.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';
import { DEFAULT_SPEECH_MUSIC_CONFIG, OnnxSpeechMusicModel, SpeechMusic, speechShare, standardisedPatches } from '../../src/music/index.js';
import { lcgNoise, twoSines } from '../features/signals.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const wasm = createWasmBackend();
const signals = new Map<string, Float32Array>();
let model: OnnxSpeechMusicModel;

beforeAll(async () => {
  signals.set('twoSines', twoSines());
  signals.set('noise', lcgNoise(16000, 12345));
  signals.set('dialogue', (await readAudio(path.join(repoRoot, 'fixtures/example/dialogue.wav'))).samples);
  model = await OnnxSpeechMusicModel.create();
});
afterAll(async () => {
  wasm.dispose();
  await model.dispose();
});

const c = SPEECH_MUSIC_FBANK_CONFIG;

describe('SIDEKIT log mel bands (inaSpeechSegmenter frontend)', () => {
  it.each(goldens.signals.map((g) => [g.name, g] as const))('%s', (name, g) => {
    const x = signals.get(name)!;
    expect(x.length).toBe(g.samples);
    for (const [label, mel] of [
      ['ts', kaldiFbank(x, c)],
      ['wasm', wasm.kaldiFbank(x, c)],
    ] as const) {
      expect(mel.frames, label).toBe(g.frames);
      expect(mel.melBands).toBe(24);
      let worst = 0;
      for (const [t, row] of g.mel as [number, (number | null)[]][]) {
        const peak = Math.max(...row.map((v) => v ?? -Infinity));
        for (let b = 0; b < 24; b++) {
          const want = row[b];
          const got = mel.data[t * 24 + b];
          // null: SIDEKIT's log of 0 (digital silence), floored here.
          if (want === null) expect(got).toBeCloseTo(Math.log(c.logFloor), 3);
          // More than 15 below the frame's peak (a pure tone's far bands), the float32 reference is rounding noise.
          else if (want < peak - 15) expect(Math.abs(got - want)).toBeLessThan(0.2);
          else worst = Math.max(worst, Math.abs(got - want));
        }
      }
      expect(worst, `${name} ${label}`).toBeLessThan(1e-3);
    }
  });
});

describe('speech/music model (ONNX) against Keras', () => {
  it('reads the patch shape from the ONNX metadata', () => {
    expect([model.patchFrames, model.patchBands]).toEqual([68, 21]);
  });

  it.each(goldens.signals.map((g) => [g.name, g] as const))('%s: music probability per patch', async (name, g) => {
    const mel = wasm.kaldiFbank(signals.get(name)!, c);
    const p = standardisedPatches(mel, 68, 21, g.patchStepFrames, Math.log(c.logFloor));
    expect(p.count).toBe(g.music.length);
    const got = await model.musicProbabilities(p.data, p.count);
    let worst = 0;
    g.music.forEach((want, i) => {
      worst = Math.max(worst, Math.abs(got[i] - want));
    });
    expect(worst, name).toBeLessThan(2e-3);
  });

  it('hears the example dialogue as speech and a tone as music', async () => {
    const sm = await SpeechMusic.create();
    // Patches every 17 frames, so that the 1 s tone gives the 2 patches a chunk needs to be judged.
    const share = async (x: Float32Array) => speechShare(await sm.patchMusic(x, 17), DEFAULT_SPEECH_MUSIC_CONFIG);
    try {
      expect(await share(signals.get('dialogue')!.subarray(16000, 16000 * 4))).toBeGreaterThan(0.8);
      expect(await share(signals.get('twoSines')!)).toBe(0);
      // 3 s: patches at 0, 34, ... 204 frames (7); shorter than one 0.68 s patch: nothing to judge.
      expect((await sm.patchMusic(signals.get('dialogue')!.subarray(16000, 16000 * 4), 34)).length).toBe(7);
      expect(await share(new Float32Array(8000))).toBeNaN();
    } finally {
      await sm.dispose();
    }
  });
});
