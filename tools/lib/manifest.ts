/** Keep models/manifest.json in step with the model files the project trains itself. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './shared-data.js';

/**
 * Write the manifest entry `key` for models/`file`, trained by the script `producedBy`
 * (repository path); `facts` add to or replace the common fields (format, source, inputs...).
 */
export function recordTrainedModel(key: string, file: string, producedBy: string, facts: Record<string, unknown>): void {
  const manifestPath = path.join(REPO_ROOT, 'models/manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Record<string, unknown> };
  const bytes = readFileSync(path.join(REPO_ROOT, 'models', file));
  manifest.models[key] = {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    source: {
      trainedBy: producedBy,
      data: [
        'LibriSpeech train-clean-100 readers in ../shared/data/librispeech (CC BY 4.0), train and calib splits (never the test split)',
        'AMI Meeting Corpus excerpts in ../shared/data/ami (CC BY 4.0)',
      ],
    },
    license: 'Apache-2.0',
    licenseFile: 'LICENSES/trained-models.txt',
    producedBy,
    ...facts,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}
