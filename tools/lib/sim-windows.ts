/**
 * Speaker-labelled training rows from simulated conversations of the train readers
 * (tools/simulate-conversations.ts --set train): the engine's own windows (its VAD, window plan,
 * volume normalisation and embeddings), each labelled with the reader who speaks in at least
 * `purity` of the window's reference speech.
 *
 * Why: the LDA/PLDA learnt from whole clean utterances and white/pink/brown copies does not see
 * what the engine sees in a conversation (music beds, windows cut at turn edges, a neighbour's
 * last syllable). Rows from the engine's own analysis of conversations, of train readers only, fix that mismatch. The
 * beds of these conversations must not be the benchmark's (simulate-conversations --set train
 * uses synthetic music): with the MUSAN clips of the calib and test sets, the LDA learnt those
 * very clips, and with plain pink noise in place of music it gained nothing (README).
 */
import path from 'node:path';
import type { Engine, Turn } from '../../src/pipeline/index.js';
import { conversationUris, readRefTurns } from '../../bench/lib/score-sim.js';
import { readerSplit } from './shared-data.js';

export interface SimWindowsOptions {
  /** Share of a window's reference speech that must come from one reader (default 0.9). */
  purity?: number;
  onFile?: (done: number, total: number) => void;
}

export interface SimWindows {
  /** Rows per speaker id as collectSpeakerWindows names them (`libri-<reader>`). */
  bySpeaker: Map<string, Float32Array[]>;
  files: number;
  purity: number;
  /** Valid windows seen, and those kept (pure enough). */
  windows: number;
  kept: number;
}

export async function collectSimWindows(engine: Engine, dir: string, options: SimWindowsOptions = {}): Promise<SimWindows> {
  const purity = options.purity ?? 0.9;
  const uris = conversationUris(dir);
  if (uris.length === 0) {
    throw new Error(`No simulated conversations (*.wav with .rttm) in ${dir}. Make them with: npx tsx tools/simulate-conversations.ts --set train --count 600 --out ${dir}`);
  }
  const bySpeaker = new Map<string, Float32Array[]>();
  let windows = 0;
  let kept = 0;
  for (const [f, uri] of uris.entries()) {
    const refs = readRefTurns(dir, uri);
    for (const t of refs) {
      const reader = t.speaker.replace(/^S/, '');
      // Calibration and test voices must never train a model (tools/lib/shared-data.ts: readerSplit).
      if (readerSplit(reader) !== 'train') {
        throw new Error(`${dir}/${uri}.rttm: speaker ${t.speaker} is a ${readerSplit(reader)} reader; expected train readers only (--set train).`);
      }
    }
    const { details } = await engine.diarizeWithDetails(path.join(dir, `${uri}.wav`));
    const { dim } = details;
    details.windows.forEach((w, i) => {
      if (!details.valid[i]) return;
      windows++;
      const best = pureSpeaker(w, refs, purity);
      if (best === null) return;
      const id = `libri-${best.replace(/^S/, '')}`;
      const rows = bySpeaker.get(id) ?? [];
      rows.push(details.embeddings.slice(i * dim, (i + 1) * dim));
      bySpeaker.set(id, rows);
      kept++;
    });
    options.onFile?.(f + 1, uris.length);
  }
  return { bySpeaker, files: uris.length, purity, windows, kept };
}

/** The speaker with at least `purity` of the reference speech inside [startSec, endSec), or null. */
export function pureSpeaker(window: { startSec: number; endSec: number }, refs: readonly Turn[], purity: number): string | null {
  const overlap = new Map<string, number>();
  for (const t of refs) {
    const o = Math.min(t.endSec, window.endSec) - Math.max(t.startSec, window.startSec);
    if (o > 0) overlap.set(t.speaker, (overlap.get(t.speaker) ?? 0) + o);
  }
  let total = 0;
  let best: string | null = null;
  let bestSec = 0;
  for (const [spk, sec] of overlap) {
    total += sec;
    if (sec > bestSec) [best, bestSec] = [spk, sec];
  }
  return total > 0 && bestSec >= purity * total ? best : null;
}
