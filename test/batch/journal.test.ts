import { appendFileSync, mkdtempSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, repairTornTail } from '../../src/batch/journal.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'batch-journal-'));

describe('results journal', () => {
  it('creates the file and appends whole lines; a reopened journal knows the files done', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    const j = await Journal.open(file);
    expect(j.has('a.wav')).toBe(false);
    j.append({ file: 'a.wav', M: 1, F: 0 });
    j.append({ file: 'b.wav', error: { code: 'EMPTY_FILE', message: 'b.wav: is empty' } });
    j.close();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    const k = await Journal.open(file);
    // Identity is the absolute path: "./a.wav" is the same file.
    expect(k.has('./a.wav')).toBe(true);
    expect(k.get('b.wav')?.error?.code).toBe('EMPTY_FILE');
    expect(k.report).toEqual({ repairedBytes: 0, badLines: 0, duplicateLines: 0 });
    k.close();
  });

  it('repairs a torn last line by truncating it (that file runs again)', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    writeFileSync(file, '{"file":"a.wav","M":1}\n{"file":"b.wav","M":2}\n{"file":"c.wav","tur');
    const j = await Journal.open(file);
    expect(j.report.repairedBytes).toBe('{"file":"c.wav","tur'.length);
    expect(j.has('a.wav') && j.has('b.wav')).toBe(true);
    expect(j.has('c.wav')).toBe(false);
    j.append({ file: 'c.wav', M: 0 });
    j.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { file: string }).file)).toEqual(['a.wav', 'b.wav', 'c.wav']);
  });

  it('a file with no newline at all is truncated to empty; a clean file is untouched', () => {
    const dir = tmp();
    const torn = path.join(dir, 'torn');
    writeFileSync(torn, 'x'.repeat(200_000)); // longer than the backward scan's chunk
    let fd = openSync(torn, 'r+');
    expect(repairTornTail(fd)).toBe(200_000);
    closeSync(fd);
    expect(readFileSync(torn).length).toBe(0);
    const clean = path.join(dir, 'clean');
    writeFileSync(clean, 'a\n' + 'y'.repeat(100_000) + '\n');
    fd = openSync(clean, 'r+');
    expect(repairTornTail(fd)).toBe(0);
    closeSync(fd);
    expect(readFileSync(clean).length).toBe(100_003);
    // A torn line longer than one backward-scan chunk.
    const long = path.join(dir, 'long');
    writeFileSync(long, 'a\n' + 'y'.repeat(150_000));
    fd = openSync(long, 'r+');
    expect(repairTornTail(fd)).toBe(150_000);
    closeSync(fd);
    expect(readFileSync(long, 'utf8')).toBe('a\n');
  });

  it('counts lines that are not records and keeps the last record of a repeated file', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    writeFileSync(file, '{"file":"a.wav","error":{"code":"X","message":"m"}}\nnot json\n[1]\n{"nofile":1}\n{"file":"a.wav","M":3}\n');
    const j = await Journal.open(file);
    expect(j.report.badLines).toBe(3);
    expect(j.report.duplicateLines).toBe(1);
    expect(j.get('a.wav')?.M).toBe(3);
    j.close();
  });

  it('forget() drops failed files atomically, keeping one line per file', async () => {
    const file = path.join(tmp(), 'r.jsonl');
    writeFileSync(file, '{"file":"a.wav","M":1}\n{"file":"b.wav","error":{"code":"EMPTY_FILE","message":"m"}}\n');
    const j = await Journal.open(file);
    expect(j.forget(['b.wav', 'zzz.wav'])).toBe(1);
    expect(j.has('b.wav')).toBe(false);
    j.append({ file: 'b.wav', M: 2 });
    j.close();
    appendFileSync(file, '');
    const recs = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; M: number });
    expect(recs).toEqual([
      { file: 'a.wav', M: 1 },
      { file: 'b.wav', M: 2 },
    ]);
  });

  it('a results file in a missing folder is an OUTPUT_UNWRITABLE error', async () => {
    await expect(Journal.open(path.join(tmp(), 'no', 'such', 'r.jsonl'))).rejects.toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
  });
});
