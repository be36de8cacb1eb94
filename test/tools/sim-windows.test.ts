import { describe, expect, it } from 'vitest';
import { pureSpeaker } from '../../tools/lib/sim-windows.js';

const refs = [
  { startSec: 0, endSec: 2, speaker: 'S1' },
  { startSec: 1.9, endSec: 4, speaker: 'S2' },
  { startSec: 5, endSec: 6, speaker: 'S1' },
];

describe('pureSpeaker (labels of training windows from simulated conversations)', () => {
  it('names the only speaker of a window inside one turn', () => {
    expect(pureSpeaker({ startSec: 0.2, endSec: 1.8 }, refs, 0.9)).toBe('S1');
  });
  it('keeps a window whose other speaker has under 10 % of its speech', () => {
    // S1 1.5 s, S2 0.1 s: 94 % S1.
    expect(pureSpeaker({ startSec: 0.5, endSec: 2.0 }, refs, 0.9)).toBe('S1');
  });
  it('drops a window that straddles a turn change', () => {
    // S1 0.6 s, S2 1.0 s.
    expect(pureSpeaker({ startSec: 1.4, endSec: 3.0 }, refs, 0.9)).toBeNull();
  });
  it('drops a window without reference speech', () => {
    expect(pureSpeaker({ startSec: 4.2, endSec: 4.9 }, refs, 0.9)).toBeNull();
  });
  it('counts pauses as nothing: only speech decides', () => {
    // 0.8 s of pause, 0.8 s of S1.
    expect(pureSpeaker({ startSec: 4.2, endSec: 5.8 }, refs, 0.9)).toBe('S1');
  });
});
