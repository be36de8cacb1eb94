/** The reader on the real recordings of ../shared/data, cross-checked with wavefile's decoder. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { probeAudio, readAudio } from '../../src/audio/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const present = existsSync(dataDir);
if (!present) console.warn(`shared-data.test: skipped, ${dataDir} is absent (set COUNT_SPEAKERS_DATA to the data folder)`);

function viaWavefile(file: string): Float64Array {
  const w = new wavefile.WaveFile(readFileSync(file));
  const fmt = w.fmt as { bitsPerSample: number; audioFormat: number; numChannels: number };
  const raw = w.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const chans = fmt.numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[]);
  const scale = fmt.audioFormat === 3 ? 1 : 2 ** (fmt.bitsPerSample - 1);
  const out = new Float64Array(chans[0].length);
  for (const ch of chans) for (let i = 0; i < out.length; i++) out[i] += ch[i] / scale / chans.length;
  return out;
}

describe.skipIf(!present)('real recordings in ../shared/data', () => {
  const files = present
    ? [
        path.join(dataDir, 'ina/lamartine.wav'),
        path.join(dataDir, 'ina/musanmix.wav'),
        ...readdirSync(path.join(dataDir, 'ami'))
          .filter((f) => f.endsWith('.wav'))
          .slice(0, 2)
          .map((f) => path.join(dataDir, 'ami', f)),
        ...readdirSync(path.join(dataDir, 'librispeech'))
          .filter((f) => f.endsWith('.wav'))
          .slice(0, 3)
          .map((f) => path.join(dataDir, 'librispeech', f)),
      ].filter((f) => existsSync(f))
    : [];

  it.each(files)('%s decodes exactly as wavefile does', async (file) => {
    const info = await probeAudio(file);
    expect(info.sampleRateHz).toBe(16000);
    const a = await readAudio(file);
    const ref = viaWavefile(file);
    expect(a.samples.length).toBe(ref.length);
    expect(a.info.durationSec).toBeCloseTo(ref.length / 16000, 6);
    let maxErr = 0;
    for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(a.samples[i] - ref[i]));
    expect(maxErr).toBeLessThan(1e-6);
    expect(a.info.nonFiniteSamples).toBe(0);
  });
});
