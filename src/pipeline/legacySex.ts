/**
 * Interim sex stage: the GE2E voice encoder's mean LSTM states read by the shipped logistic
 * classifier, over 1.6 s windows of each chunk. Replaced by the sex stage's own SexModel.
 */
import { embedWindows, OnnxVoiceEncoder } from '../embedding/index.js';
import { SexClassifier } from '../sex/index.js';
import type { Sex } from '../types.js';

export interface SexStage {
  features(chunk: Float32Array, speakerEmbedding: Float32Array): Promise<Float32Array>;
  decide(rows: readonly Float32Array[], weightsSec: readonly number[]): { sex: Sex; confidence: number };
  dispose(): Promise<void>;
}

export class LegacySexStage implements SexStage {
  private constructor(
    private readonly encoder: OnnxVoiceEncoder,
    private readonly classifier: SexClassifier,
  ) {}

  static async create(options: { threads?: number } = {}): Promise<LegacySexStage> {
    const classifier = SexClassifier.load();
    const encoder = await OnnxVoiceEncoder.create({ threads: options.threads ?? 1 });
    return new LegacySexStage(encoder, classifier);
  }

  async features(chunk: Float32Array): Promise<Float32Array> {
    const sec = chunk.length / 16000;
    const windows: { startSec: number; endSec: number }[] = [];
    for (let s = 0; s + 1.6 <= sec || windows.length === 0; s += 0.8) windows.push({ startSec: s, endSec: Math.min(sec, s + 1.6) });
    const e = await embedWindows(chunk, windows, this.encoder);
    if (!e.hiddenMean) return new Float32Array([0]);
    let sum = 0;
    let n = 0;
    e.vectors.forEach((v, i) => {
      if (!v) return;
      sum += this.classifier.logitF(e.hiddenMean!, i);
      n++;
    });
    return new Float32Array([n ? sum / n : 0]);
  }

  decide(rows: readonly Float32Array[], weightsSec: readonly number[]): { sex: Sex; confidence: number } {
    let s = 0;
    let w = 0;
    rows.forEach((r, i) => {
      s += r[0] * weightsSec[i];
      w += weightsSec[i];
    });
    const pF = 1 / (1 + Math.exp(-(w ? s / w : 0)));
    return pF >= 0.5 ? { sex: 'F', confidence: pF } : { sex: 'M', confidence: 1 - pF };
  }

  async dispose(): Promise<void> {
    await this.encoder.dispose();
  }
}
