/**
 * Window embeddings of labelled speakers for the sex classifier: LibriSpeech readers
 * (speakers.csv) and AMI speakers (sex = first letter of the id; speech from the RTTM,
 * single-speaker stretches only). Windows are the pipeline's own (1.6 s, hop 0.8 s), so the
 * classifier sees at training time what it sees in use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readAudio } from '../../src/audio/index.js';
import { embedWindows, type EmbeddingModel } from '../../src/embedding/index.js';
import type { FeatureBackend } from '../../src/features/types.js';
import { parseRttm } from '../../src/io/index.js';
import { planWindows } from '../../src/pipeline/reconstruction.js';
import { DEFAULT_PIPELINE_CONFIG } from '../../src/pipeline/config.js';
import { readerSplit, readLibriSpeakers, requireSharedData, type ReaderSplit } from './shared-data.js';
import { addNoise, NOISE_KINDS } from './augment.js';
import type { SexInput } from '../../src/sex/index.js';

export interface SpeakerWindows {
  speaker: string;
  source: 'librispeech' | 'ami';
  sex: 'M' | 'F';
  /** LibriSpeech reader split; AMI speakers count as 'train'. */
  split: ReaderSplit;
  /** Window embeddings of noise-augmented copies (same speaker), when asked for. */
  noisy?: Float32Array;
  /** The same copies' hidden means. */
  noisyHiddenMean?: Float32Array;
  noisyN?: number;
  speechSec: number;
  /** [n x dim] */
  embeddings: Float32Array;
  /** [n x hiddenMeanDim]: the encoder's mean LSTM states of the same windows (empty when it has none) */
  hiddenMean: Float32Array;
  n: number;
}

interface SpanRows {
  embeddings: Float32Array[];
  hiddenMean: Float32Array[];
}

const { windowSec, hopSec, minWindowSec } = DEFAULT_PIPELINE_CONFIG;

async function embedSpans(
  samples: Float32Array,
  spans: Array<{ startSec: number; endSec: number }>,
  model: EmbeddingModel,
  frontend?: FeatureBackend,
): Promise<SpanRows> {
  const windows = planWindows(spans, windowSec, hopSec, minWindowSec);
  const r = await embedWindows(samples, windows, model, frontend ? { frontend } : {});
  const out: SpanRows = { embeddings: [], hiddenMean: [] };
  const h = r.hiddenMeanDim;
  r.vectors.forEach((v, i) => {
    if (v === null) return;
    out.embeddings.push(Float32Array.from(v));
    if (r.hiddenMean) out.hiddenMean.push(r.hiddenMean.slice(i * h, (i + 1) * h));
  });
  return out;
}

function pack(rows: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(r, i * dim));
  return out;
}

export interface CollectOptions {
  frontend?: FeatureBackend;
  /**
   * Also embed copies of LibriSpeech utterances with white, pink and brown noise at 5-20 dB SNR:
   * true = train-split readers only (training), 'all' = every reader (evaluation under noise).
   */
  augment?: boolean | 'all';
}

export async function collectSpeakerWindows(model: EmbeddingModel, options: CollectOptions = {}): Promise<SpeakerWindows[]> {
  const { frontend, augment = false } = options;
  const out: SpeakerWindows[] = [];
  for (const r of readLibriSpeakers()) {
    const { samples } = await readAudio(r.file);
    const whole = [{ startSec: 0, endSec: samples.length / 16000 }];
    const rows = await embedSpans(samples, whole, model, frontend);
    const split = readerSplit(r.speaker);
    const noisy: SpanRows = { embeddings: [], hiddenMean: [] };
    if (augment === 'all' || (augment && split === 'train')) {
      for (const [k, kind] of NOISE_KINDS.entries()) {
        const seed = Number(r.speaker) * 31 + k;
        const snrDb = 5 + ((seed * 7919) % 1500) / 100;
        const copy = await embedSpans(addNoise(samples, kind, snrDb, seed), whole, model, frontend);
        noisy.embeddings.push(...copy.embeddings);
        noisy.hiddenMean.push(...copy.hiddenMean);
      }
    }
    out.push({
      noisy: pack(noisy.embeddings, model.dim),
      noisyHiddenMean: pack(noisy.hiddenMean, model.hiddenMeanDim),
      noisyN: noisy.embeddings.length,
      speaker: `libri-${r.speaker}`,
      source: 'librispeech',
      sex: r.sex,
      split,
      speechSec: samples.length / 16000,
      embeddings: pack(rows.embeddings, model.dim),
      hiddenMean: pack(rows.hiddenMean, model.hiddenMeanDim),
      n: rows.embeddings.length,
    });
  }
  const amiDir = requireSharedData('ami');
  const bySpeaker = new Map<string, { rows: SpanRows; secs: number }>();
  for (const f of readdirSync(amiDir).filter((x) => x.endsWith('.rttm')).sort()) {
    const uri = f.replace(/\.rttm$/, '');
    const turns = [...parseRttm(readFileSync(path.join(amiDir, f), 'utf8'), f).turnsByUri.values()].flat();
    const { samples } = await readAudio(path.join(amiDir, `${uri}.wav`));
    const speakers = [...new Set(turns.map((t) => t.speaker))];
    for (const spk of speakers) {
      // Single-speaker stretches of this speaker: their turns minus everyone else's.
      const mine = turns.filter((t) => t.speaker === spk);
      const others = turns.filter((t) => t.speaker !== spk);
      const spans: Array<{ startSec: number; endSec: number }> = [];
      for (const t of mine) {
        let pieces = [{ startSec: t.startSec, endSec: t.endSec }];
        for (const o of others) {
          pieces = pieces.flatMap((p) =>
            o.endSec <= p.startSec || o.startSec >= p.endSec
              ? [p]
              : [
                  { startSec: p.startSec, endSec: Math.max(p.startSec, o.startSec) },
                  { startSec: Math.min(p.endSec, o.endSec), endSec: p.endSec },
                ].filter((q) => q.endSec - q.startSec > 0.05),
          );
        }
        spans.push(...pieces);
      }
      const rows = await embedSpans(samples, spans, model, frontend);
      const entry = bySpeaker.get(spk) ?? { rows: { embeddings: [], hiddenMean: [] }, secs: 0 };
      entry.rows.embeddings.push(...rows.embeddings);
      entry.rows.hiddenMean.push(...rows.hiddenMean);
      entry.secs += mine.reduce((s, t) => s + t.endSec - t.startSec, 0);
      bySpeaker.set(spk, entry);
    }
  }
  for (const [spk, e] of bySpeaker) {
    const first = spk[0].toUpperCase();
    if (first !== 'M' && first !== 'F') continue;
    out.push({
      speaker: `ami-${spk}`,
      source: 'ami',
      sex: first,
      split: 'train',
      speechSec: e.secs,
      embeddings: pack(e.rows.embeddings, model.dim),
      hiddenMean: pack(e.rows.hiddenMean, model.hiddenMeanDim),
      n: e.rows.embeddings.length,
    });
  }
  return out;
}

/** A speaker's rows of the given encoder output (clean windows, or their noisy copies). */
export function sexFeatures(s: SpeakerWindows, input: SexInput, noisy = false): Float32Array {
  if (noisy) return (input === 'hidden_mean' ? s.noisyHiddenMean : s.noisy) ?? new Float32Array(0);
  return input === 'hidden_mean' ? s.hiddenMean : s.embeddings;
}

/**
 * Stack speakers' windows (rows of the encoder output `input`, `dim` wide) into one training
 * matrix with labels 1 = female. `withNoisy` adds each speaker's noise-augmented copies.
 */
export function stackSexRows(
  speakers: readonly SpeakerWindows[],
  dim: number,
  withNoisy: boolean,
  input: SexInput = 'embedding',
): { rows: Float32Array; y: Uint8Array; n: number } {
  const n = speakers.reduce((a, s) => a + s.n + (withNoisy ? (s.noisyN ?? 0) : 0), 0);
  const rows = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  let o = 0;
  const put = (data: Float32Array, count: number, female: boolean) => {
    rows.set(data.subarray(0, count * dim), o * dim);
    y.fill(female ? 1 : 0, o, o + count);
    o += count;
  };
  for (const s of speakers) {
    put(sexFeatures(s, input), s.n, s.sex === 'F');
    if (withNoisy && s.noisyN) put(sexFeatures(s, input, true), s.noisyN, s.sex === 'F');
  }
  return { rows, y, n };
}
