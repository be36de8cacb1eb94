/**
 * DER against NIST md-eval-22 figures (../shared/data/der-reference/expected.json, 76 cases) and
 * a sanity pass over the VoxConverse reference RTTMs (strict parser on real files, self-DER 0).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRttm, readUem } from '../../src/io/index.js';
import { scoreDer, scoreDerFiles } from '../../src/metrics/index.js';
import type { Turn } from '../../src/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const refDir = path.join(dataDir, 'der-reference');
const voxDir = path.join(dataDir, 'voxconverse-rttm');

interface Case {
  ref: string;
  hyp: string;
  uem: string;
  collar: number;
  ignore_overlaps: boolean;
  scored: number;
  missed: number;
  false_alarm: number;
  confusion: number;
  der_percent: number;
}

if (!existsSync(refDir)) console.warn(`[der-reference] skipped: ${refDir} not found (set COUNT_SPEAKERS_DATA to the shared data folder)`);
if (!existsSync(voxDir))
  console.warn(`[voxconverse-rttm] skipped: ${voxDir} not found (set COUNT_SPEAKERS_DATA to the shared data folder)`);

describe.skipIf(!existsSync(refDir))('DER matches md-eval-22 on der-reference/expected.json', () => {
  it('all cases: DER within 0.01 points, times within 0.01 s', async () => {
    const expected = JSON.parse(readFileSync(path.join(refDir, 'expected.json'), 'utf8')) as { cases: Case[] };
    expect(expected.cases.length).toBe(76);
    const failures: string[] = [];
    for (const c of expected.cases) {
      const ref = await readRttm(path.join(refDir, c.ref));
      const hyp = await readRttm(path.join(refDir, c.hyp));
      const uem = await readUem(path.join(refDir, c.uem));
      expect(ref.turnsByUri.size).toBe(1);
      const [uri, refTurns] = [...ref.turnsByUri][0];
      const r = scoreDer(refTurns, hyp.turnsByUri.get(uri) ?? [], {
        collarSec: c.collar,
        ignoreOverlaps: c.ignore_overlaps,
        uem: uem.regionsByUri.get(uri),
      });
      const close =
        Math.abs(r.der - c.der_percent) <= 0.01 &&
        Math.abs(r.missedSec - c.missed) <= 0.01 &&
        Math.abs(r.falseAlarmSec - c.false_alarm) <= 0.01 &&
        Math.abs(r.confusionSec - c.confusion) <= 0.01 &&
        Math.abs(r.scoredSec - c.scored) <= 0.01;
      if (!close) {
        failures.push(
          `${c.ref} vs ${c.hyp} collar ${c.collar} ignoreOverlaps ${c.ignore_overlaps}: expected DER ${c.der_percent} ` +
            `(miss ${c.missed}, FA ${c.false_alarm}, conf ${c.confusion}, scored ${c.scored}), got ${r.der.toFixed(3)} ` +
            `(miss ${r.missedSec.toFixed(3)}, FA ${r.falseAlarmSec.toFixed(3)}, conf ${r.confusionSec.toFixed(3)}, scored ${r.scoredSec.toFixed(3)})`,
        );
      }
    }
    expect(failures).toEqual([]);
  });
});

describe.skipIf(!existsSync(voxDir))('VoxConverse reference RTTMs', () => {
  it('all parse strictly and score DER 0 against themselves (relabelled)', async () => {
    const ref = new Map<string, Turn[]>();
    const hyp = new Map<string, Turn[]>();
    let files = 0;
    for (const split of ['dev', 'test']) {
      const dir = path.join(voxDir, split);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.rttm'))) {
        const r = await readRttm(path.join(dir, name));
        expect(r.ignored).toEqual([]);
        for (const [uri, turns] of r.turnsByUri) {
          expect(uri).toBe(name.replace(/\.rttm$/, ''));
          ref.set(uri, turns);
          hyp.set(
            uri,
            turns.map((t) => ({ ...t, speaker: `h_${t.speaker}` })),
          );
        }
        files++;
      }
    }
    expect(files).toBe(448);
    const t0 = performance.now();
    const rep = scoreDerFiles(ref, hyp, { collarSec: 0.25 });
    const ms = performance.now() - t0;
    expect(rep.files).toHaveLength(448);
    expect(rep.total.der).toBe(0);
    expect(rep.total.scoredSec).toBeGreaterThan(3600 * 10);
    expect(ms).toBeLessThan(10_000);
  });
});
