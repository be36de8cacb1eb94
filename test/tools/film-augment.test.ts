import { describe, expect, it } from 'vitest';
import { codecLowpass, mixAtSnr, rms, roomImpulseResponse, setLevel, telephoneBand, type Room } from '../../tools/lib/film-augment.js';

const SR = 16000;
const sine = (hz: number, sec = 1) => Float32Array.from({ length: sec * SR }, (_, i) => Math.sin((2 * Math.PI * hz * i) / SR));
const gainDb = (y: Float32Array, x: Float32Array) => 20 * Math.log10(rms(y.subarray(SR / 2)) / rms(x.subarray(SR / 2)));

describe('room impulse response', () => {
  const room: Room = { size: [6, 5, 3], source: [2, 2, 1.5], mic: [4.5, 3, 1.2], rt60Sec: 0.6 };
  const h = roomImpulseResponse(room, 1);

  it('starts with the direct sound at distance / c', () => {
    const d = Math.hypot(2.5, 1, 0.3);
    const t = Math.round((d / 343) * SR);
    let first = 0;
    while (h[first] === 0) first++;
    expect(first).toBe(t);
    expect(h[t]).toBeCloseTo(1 / d, 6);
  });

  it('decays at the asked RT60 (Schroeder integral, -5 to -25 dB, within 25 %)', () => {
    const e = new Float64Array(h.length);
    let acc = 0;
    for (let i = h.length - 1; i >= 0; i--) e[i] = acc += h[i] * h[i];
    const db = (i: number) => 10 * Math.log10(e[i] / e[0]);
    let i5 = 0;
    while (db(i5) > -5) i5++;
    let i25 = i5;
    while (db(i25) > -25) i25++;
    const rt60 = (3 * (i25 - i5)) / SR;
    expect(Math.abs(rt60 - 0.6) / 0.6).toBeLessThan(0.25);
  });

  it('is the same for the same seed', () => {
    expect(roomImpulseResponse(room, 1)).toEqual(h);
  });
});

describe('band limits and mixing', () => {
  it('telephone band passes 1 kHz and cuts 100 Hz and 6 kHz', () => {
    expect(Math.abs(gainDb(telephoneBand(sine(1000)), sine(1000)))).toBeLessThan(1);
    expect(gainDb(telephoneBand(sine(100)), sine(100))).toBeLessThan(-30);
    expect(gainDb(telephoneBand(sine(6000)), sine(6000))).toBeLessThan(-15);
  });

  it('mp3-like low-pass at 4 kHz passes 1 kHz and cuts 7 kHz', () => {
    expect(Math.abs(gainDb(codecLowpass(sine(1000), 4000), sine(1000)))).toBeLessThan(0.5);
    expect(gainDb(codecLowpass(sine(7000), 4000), sine(7000))).toBeLessThan(-15);
  });

  it('mixAtSnr puts the background at the asked SNR', () => {
    const s = sine(300);
    const b = sine(1234);
    const y = mixAtSnr(s, b, 6);
    const bg = y.map((v, i) => v - s[i]);
    expect(20 * Math.log10(rms(s) / rms(bg))).toBeCloseTo(6, 3);
  });

  it('setLevel sets the peak and clips above 0 dBFS', () => {
    const y = setLevel(sine(300), -20);
    expect(Math.max(...y)).toBeCloseTo(0.1, 3);
    const hot = setLevel(sine(300), 6);
    expect(Math.max(...hot)).toBe(1);
  });
});
