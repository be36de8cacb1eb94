/** Keep models/manifest.json in step with the model files the project trains itself. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './shared-data.js';

export function recordTrainedModel(key: string, file: string, facts: Record<string, unknown>, extraData: string[] = []): void {
  const manifestPath = path.join(REPO_ROOT, 'models/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Record<string, unknown> };
  const bytes = readFileSync(path.join(REPO_ROOT, 'models', file));
  manifest.models[key] = {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    source: {
      trainedBy: 'tools/train-models.ts',
      data: [
        'LibriSpeech train-clean-100 readers in ../shared/data/librispeech (CC BY 4.0), train split only',
        'AMI Meeting Corpus excerpts in ../shared/data/ami (CC BY 4.0)',
        ...extraData,
      ],
      features: 'window embeddings of models/voice-encoder.onnx (1.6 s windows, hop 0.8 s)',
    },
    license: 'Apache-2.0',
    licenseFile: 'LICENSES/trained-models.txt',
    producedBy: 'tools/train-models.ts',
    ...facts,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}
