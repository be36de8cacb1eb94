/**
 * The README's first command on the recording that ships with the project
 * (fixtures/example/dialogue.wav, made by tools/make-example.sh): it must work on a bare clone,
 * without ../shared/data.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRttm } from '../../src/io/index.js';
import { scoreDer } from '../../src/metrics/index.js';
import { diarize } from '../../src/pipeline/index.js';

const wav = fileURLToPath(new URL('../../fixtures/example/dialogue.wav', import.meta.url));
const rttm = fileURLToPath(new URL('../../fixtures/example/dialogue.rttm', import.meta.url));

describe('fixtures/example/dialogue.wav', () => {
  it('one woman and one man, taking turns as the reference says', async () => {
    const d = await diarize(wav, { threads: 2 });
    expect(d.counts).toEqual({ M: 1, F: 1 });
    const ref = parseRttm(readFileSync(rttm, 'utf8'), rttm).turnsByUri.get('dialogue') ?? [];
    expect(ref.length).toBe(7);
    // Measured 6.8 % at collar 0, all missed speech at the edges of lines; a confusion of
    // speakers or a lost line would cost 10 % or more.
    const { der, confusionSec } = scoreDer(ref, d.turns, { collarSec: 0.25 });
    expect(confusionSec).toBeLessThan(1);
    expect(der).toBeLessThan(10);
  }, 120_000);
});
