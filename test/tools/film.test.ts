import { describe, expect, it } from 'vitest';
import { makeMusic } from '../../tools/lib/augment.js';
import { applyEq, drawChannel, type Channel } from '../../tools/lib/channel.js';
import { coverage, encodeFilm, makeFilm, planFilm, unionIntervals, upsample, type FilmVoice } from '../../tools/lib/film.js';
import { mulberry32 } from '../../tools/lib/rng.js';
import { drawRoom, estimateRt60Sec, fftConvolve, synthRir } from '../../tools/lib/room.js';
import { readWavMono, wavBytes } from '../../tools/lib/wav.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SR = 16000;

/** A stand-in voice: syllables of 0.15-0.5 s (harmonic tone, own pitch) with 0.05-0.3 s gaps, a pause mid-way. */
function syntheticVoice(id: string, sex: 'M' | 'F', seconds: number, seed: number): FilmVoice {
  const r = mulberry32(seed);
  const x = new Float32Array(seconds * SR);
  const f0 = sex === 'M' ? 110 + 30 * r() : 200 + 40 * r();
  for (let t = 0; t < x.length; ) {
    const len = Math.floor((0.15 + 0.35 * r()) * SR);
    for (let i = 0; i < len && t + i < x.length; i++) {
      const env = Math.sin((Math.PI * i) / len);
      let v = 0;
      for (let h = 1; h <= 5; h++) v += Math.sin((2 * Math.PI * f0 * h * (t + i)) / SR) / h;
      x[t + i] = 0.2 * env * v;
    }
    t += len + Math.floor((0.05 + 0.25 * r()) * SR);
    if (Math.abs(t - x.length / 2) < 0.3 * SR) t += Math.floor(0.7 * SR);
  }
  return { id, sex, audio: x, source: 'librispeech' };
}

function toneDb(x: Float32Array, skip = 2000): number {
  let s = 0;
  for (let i = skip; i < x.length; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / (x.length - skip));
}

describe('synthetic room impulse responses', () => {
  it('decay as the asked RT60 (Schroeder T20 within 25 %), direct path first and loudest', () => {
    const r = mulberry32(7);
    for (const rt60 of [0.2, 0.5, 1.0]) {
      const room = { ...drawRoom(r), rt60Sec: rt60 };
      const h = synthRir(room, r);
      expect(h[0]).toBeCloseTo(1, 6);
      expect(Math.max(...Array.from(h.subarray(1), Math.abs))).toBeLessThan(1);
      const est = estimateRt60Sec(h);
      expect(est).toBeGreaterThan(0.75 * rt60);
      expect(est).toBeLessThan(1.25 * rt60);
    }
  });

  it('a far talker in a live room is more reverberant than a near talker in a dry room', () => {
    const r = mulberry32(3);
    const base = drawRoom(r);
    const tailShare = (h: Float32Array) => {
      let tail = 0;
      for (let i = 1; i < h.length; i++) tail += h[i] * h[i];
      return tail / (h[0] * h[0]);
    };
    const near = synthRir({ ...base, dimsM: [8, 6, 3], sourceM: [4, 3, 1.5], micM: [4.5, 3, 1.5], rt60Sec: 0.25 }, r);
    const far = synthRir({ ...base, dimsM: [8, 6, 3], sourceM: [1, 1, 1.5], micM: [7, 5, 1.5], rt60Sec: 0.9 }, r);
    expect(tailShare(far)).toBeGreaterThan(10 * tailShare(near));
  });

  it('rooms are 3-12 m long with RT60 0.2-1.0 s', () => {
    const r = mulberry32(11);
    for (let k = 0; k < 200; k++) {
      const room = drawRoom(r);
      expect(room.dimsM[0]).toBeGreaterThanOrEqual(3);
      expect(room.dimsM[0]).toBeLessThanOrEqual(12);
      expect(room.rt60Sec).toBeGreaterThanOrEqual(0.2);
      expect(room.rt60Sec).toBeLessThanOrEqual(1.0);
    }
  });

  it('FFT convolution equals direct convolution', () => {
    const r = mulberry32(5);
    const x = Float32Array.from({ length: 9000 }, () => r() - 0.5);
    const h = Float32Array.from({ length: 3000 }, () => r() - 0.5);
    const y = fftConvolve(x, h, x.length + h.length - 1);
    for (const n of [0, 1, 2999, 5000, 8999, 11998]) {
      let s = 0;
      for (let k = 0; k < h.length; k++) if (n - k >= 0 && n - k < x.length) s += x[n - k] * h[k];
      expect(y[n]).toBeCloseTo(s, 3);
    }
  });
});

describe('channel EQ', () => {
  const sine = (f: number) => Float32Array.from({ length: SR }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * i) / SR));
  it('the telephone band passes 1 kHz and removes 100 Hz and 6 kHz by more than 20 dB', () => {
    const ch: Channel = { ...drawChannel(mulberry32(1)), eq: 'telephone' };
    const level = (f: number) => {
      const x = sine(f);
      const ref = toneDb(x);
      applyEq(x, ch);
      return toneDb(x) - ref;
    };
    expect(Math.abs(level(1000))).toBeLessThan(1.5);
    expect(level(100)).toBeLessThan(-20);
    expect(level(6000)).toBeLessThan(-20);
  });
});

describe('formats', () => {
  it('upsampling keeps a 1 kHz sine (error < 1e-3 at 44.1 and 48 kHz)', () => {
    const x = Float32Array.from({ length: SR }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / SR));
    for (const rate of [44100, 48000]) {
      const y = upsample(x, SR, rate);
      expect(y.length).toBe(Math.floor((SR * rate) / SR));
      for (let i = 500; i < y.length - 500; i += 37) expect(Math.abs(y[i] - Math.sin((2 * Math.PI * 1000 * i) / rate))).toBeLessThan(1e-3);
    }
  });

  it('16-bit WAV bytes read back to the same samples; stereo formats keep two channels', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'film-wav-'));
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 0.5);
    writeFileSync(path.join(dir, 'a.wav'), wavBytes([x], SR, 's16'));
    const back = readWavMono(path.join(dir, 'a.wav'));
    expect(back.rateHz).toBe(SR);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back.samples[i] - x[i])).toBeLessThan(1 / 16384);
    const st = encodeFilm(x, x, '44k1-stereo-s16');
    expect(st.readUInt16LE(22)).toBe(2);
    expect(st.readUInt32LE(24)).toBe(44100);
    expect(st.readUInt16LE(34)).toBe(16);
    const fl = encodeFilm(x, x, '48k-stereo-f32');
    expect(fl.readUInt16LE(20)).toBe(3);
    expect(fl.readUInt16LE(34)).toBe(32);
  });
});

describe('film plans', () => {
  it('last 90-300 s up to 7 speakers; crowded scenes grow so each speaker still gets 24 s of turns', () => {
    const rand = mulberry32(5);
    for (let n = 1; n <= 12; n++) {
      for (let k = 0; k < 20; k++) {
        const p = planFilm(n, rand);
        expect(p.speakerSec).toHaveLength(n);
        expect(Math.min(...p.speakerSec)).toBeGreaterThanOrEqual(24);
        expect(p.speakerSec.reduce((a, b) => a + b, 0)).toBeLessThan(p.durationSec);
        expect(p.durationSec).toBeGreaterThanOrEqual(90);
        if (n <= 7) expect(p.durationSec).toBeLessThanOrEqual(300);
        else expect(p.durationSec).toBeGreaterThanOrEqual(30 + n * 36);
      }
    }
  });
});

describe('film conversations (synthetic voices)', () => {
  const voices = [
    syntheticVoice('A', 'F', 8, 1),
    syntheticVoice('B', 'M', 9, 2),
    syntheticVoice('C', 'F', 7, 3),
    syntheticVoice('D', 'M', 8, 4),
  ];
  const beds = { tune: makeMusic(20 * SR, 1) };
  const films = [1, 2, 3, 4, 5, 6].map((seed) => makeFilm(`f${seed}`, voices.slice(0, 2 + (seed % 3)), beds, mulberry32(seed)));

  it('truth speech seconds are the rttm seconds of each speaker, and speakers do not repeat turns on one another', () => {
    for (const f of films) {
      const bySpk = new Map<string, number>();
      const ivs = new Map<string, Array<[number, number]>>();
      for (const line of f.rttm) {
        const p = line.split(' ');
        bySpk.set(p[7], (bySpk.get(p[7]) ?? 0) + Number(p[4]));
        const s = Math.round(Number(p[3]) * SR);
        (ivs.get(p[7]) ?? ivs.set(p[7], []).get(p[7])!).push([s, s + Math.round(Number(p[4]) * SR)]);
      }
      for (const [spk, secs] of Object.entries(f.truth.speech_by_speaker)) {
        expect(bySpk.get(spk) ?? 0).toBeCloseTo(secs, 1);
        expect(unionIntervals(ivs.get(spk)!).length).toBe(ivs.get(spk)!.length); // already a union
      }
      for (const line of f.rttm)
        expect(Number(line.split(' ')[3]) + Number(line.split(' ')[4])).toBeLessThanOrEqual(f.truth.duration_sec + 1e-3);
    }
  });

  it('files last 1.5-5 min, every speaker talks at least 20 s, counts follow the truth', () => {
    for (const f of films) {
      expect(f.truth.duration_sec).toBeGreaterThanOrEqual(90);
      expect(f.truth.duration_sec).toBeLessThanOrEqual(305);
      for (const secs of Object.values(f.truth.speech_by_speaker)) expect(secs).toBeGreaterThanOrEqual(20);
      const n = Object.keys(f.truth.speech_by_speaker).length;
      expect(f.truth.counts_min2s.M + f.truth.counts_min2s.F).toBe(n);
      expect(Math.abs(f.left.length / SR - f.truth.duration_sec)).toBeLessThan(0.001);
    }
  });

  it('overlap share is the reference overlap and sits in 5-25 % on most multi-speaker files', () => {
    let inRange = 0;
    for (const f of films) {
      const all = f.rttm.map((l) => {
        const p = l.split(' ');
        const s = Math.round(Number(p[3]) * SR);
        return [s, s + Math.round(Number(p[4]) * SR)] as [number, number];
      });
      const c = coverage(all);
      expect(f.truth.overlap_share).toBeCloseTo(c.overlapSec / c.anySec, 2);
      expect(f.truth.overlap_share).toBeLessThan(0.3);
      if (f.truth.overlap_share >= 0.05 && f.truth.overlap_share <= 0.25) inRange++;
    }
    expect(inRange).toBeGreaterThanOrEqual(4);
  });

  it('is deterministic from the seed', () => {
    const again = makeFilm('f1', voices.slice(0, 3), beds, mulberry32(1));
    expect(again.rttm).toEqual(films[0].rttm);
    expect(again.left.subarray(0, 50000)).toEqual(films[0].left.subarray(0, 50000));
  });
});
