/**
 * The per-film measures of the engine against the truth of scripted scenes (tools/make-scenes.ts):
 *
 *   npx tsx tools/make-scenes.ts --count 20 --seconds 90 --out bench/results/scenes
 *   count-speakers batch bench/results/scenes --out bench/results/scenes.jsonl
 *   npx tsx bench/eval-measures.ts bench/results/scenes bench/results/scenes.jsonl
 *
 * Prints, per scene and overall: counts, women's share of speech, woman-to-woman replies and the
 * Bechdel-voice answers, truth against engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRecord } from '../src/batch/index.js';
import type { FilmMeasures } from '../src/measures/index.js';

const [sceneDir, results] = process.argv.slice(2);
if (!sceneDir || !results) throw new Error('usage: tsx bench/eval-measures.ts <scene folder> <results.jsonl>');
type Truth = FilmMeasures & { speakers: Array<{ sex: 'M' | 'F' }> };
const truth = JSON.parse(readFileSync(path.join(sceneDir, 'truth.json'), 'utf8')) as Record<string, Truth>;
const got = new Map<string, Record<string, unknown>>();
for (const line of readFileSync(results, 'utf8').split('\n')) {
  const r = line.trim() ? parseRecord(line) : undefined;
  if (r) got.set(path.basename(r.file).replace(/\.[^.]+$/, ''), r);
}
let n = 0;
let countsExact = 0;
let shareErr = 0;
let both = 0;
let talkAgree = 0;
let twoAgree = 0;
let ffErr = 0;
const rows: string[] = ['scene       truth F/M share  FF talk | engine F/M share  FF talk'];
for (const [uri, t] of Object.entries(truth)) {
  const r = got.get(uri) as (FilmMeasures & { F: number; M: number; error?: unknown }) | undefined;
  if (!r || r.error) {
    rows.push(`${uri}  no result`);
    continue;
  }
  n++;
  const tF = t.speakers.filter((s) => s.sex === 'F').length;
  const tM = t.speakers.length - tF;
  if (r.F === tF && r.M === tM) countsExact++;
  shareErr += Math.abs((r.speechShareF ?? 0) - (t.speechShareF ?? 0));
  ffErr += Math.abs(r.exchanges.FF - t.exchanges.FF);
  if (r.bechdelVoice.womenTalkToEachOther === t.bechdelVoice.womenTalkToEachOther) talkAgree++;
  if (r.bechdelVoice.atLeastTwoWomen === t.bechdelVoice.atLeastTwoWomen) twoAgree++;
  if (t.bechdelVoice.womenTalkToEachOther) both++;
  const f = (x: number | null) => (x === null ? '   - ' : x.toFixed(3));
  rows.push(
    `${uri}      ${tF}/${tM} ${f(t.speechShareF)} ${String(t.exchanges.FF).padStart(3)} ${t.bechdelVoice.womenTalkToEachOther ? 'yes' : 'no '}  |       ${r.F}/${r.M} ${f(r.speechShareF)} ${String(r.exchanges.FF).padStart(3)} ${r.bechdelVoice.womenTalkToEachOther ? 'yes' : 'no'}`,
  );
}
process.stdout.write(rows.join('\n') + '\n');
process.stdout.write(
  `\n${n} scenes: counts exact ${countsExact}/${n}; women's share mean abs error ${(shareErr / Math.max(1, n)).toFixed(3)}; ` +
    `woman-to-woman replies mean abs error ${(ffErr / Math.max(1, n)).toFixed(2)}; ` +
    `"at least two women" agrees ${twoAgree}/${n}; "talk to each other" agrees ${talkAgree}/${n} (${both} scenes where they do)\n`,
);
