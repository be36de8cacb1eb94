import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnnotationError, CountSpeakersError } from '../../src/errors/index.js';
import { formatRttm, parseRttm, readRttm, looksLikeRttm } from '../../src/io/index.js';

function parseError(text: string): AnnotationError {
  try {
    parseRttm(text, 'x.rttm');
  } catch (e) {
    if (e instanceof AnnotationError) return e;
    throw e;
  }
  throw new Error('expected an AnnotationError');
}

describe('parseRttm', () => {
  it('reads SPEAKER lines grouped by URI, with UTF-8 speaker ids', () => {
    const r = parseRttm(
      [
        'SPEAKER trn01 1 28.474 1.526 <NA> <NA> MÉO069 <NA> <NA>',
        'SPEAKER other 1 0.5 1 <NA> <NA> spk00 <NA> <NA>',
        '',
        '# a comment',
        'SPEAKER trn01 1 2.977 0.391 <NA> <NA> FEO066 <NA> <NA>',
      ].join('\r\n'),
    );
    expect([...r.turnsByUri.keys()]).toEqual(['trn01', 'other']);
    const t = r.turnsByUri.get('trn01')!;
    expect(t).toHaveLength(2);
    expect(t[0].speaker).toBe('MÉO069');
    expect(t[0].startSec).toBeCloseTo(28.474, 9);
    expect(t[0].endSec).toBeCloseTo(30.0, 9);
    expect(r.ignored).toEqual([]);
  });

  it('skips other RTTM record types and reports them', () => {
    const r = parseRttm('SPKR-INFO f 1 <NA> <NA> <NA> adult_male A <NA> <NA>\nSPEAKER f 1 0 1 <NA> <NA> A <NA> <NA>\n');
    expect(r.ignored).toEqual([{ line: 1, type: 'SPKR-INFO' }]);
    expect(r.turnsByUri.get('f')).toHaveLength(1);
  });

  it('names file, line and the expected form for a short line', () => {
    const e = parseError('SPEAKER f 1 0 1 <NA> <NA> A <NA> <NA>\nSPEAKER f 1 0.5 1 <NA> <NA>\n');
    expect(e.code).toBe('RTTM_PARSE');
    expect(e.line).toBe(2);
    expect(e.file).toBe('x.rttm');
    expect(e.message).toContain('x.rttm:2');
    expect(e.message).toContain('expected 10 fields');
    expect(e.message).toContain('received 7');
  });

  it('rejects bad numbers, negative durations and unknown record types', () => {
    expect(parseError('SPEAKER f 1 abc 1 <NA> <NA> A <NA> <NA>').message).toContain('<onset>');
    expect(parseError('SPEAKER f 1 NaN 1 <NA> <NA> A <NA> <NA>').message).toContain('<onset>');
    expect(parseError('SPEAKER f 1 1 -2 <NA> <NA> A <NA> <NA>').message).toContain('<dur>');
    expect(parseError('start,end,speaker').message).toContain('Is this an RTTM file?');
  });

  it('rejects bytes that are not UTF-8', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rttm-'));
    const f = path.join(dir, 'bad.rttm');
    writeFileSync(f, Buffer.concat([Buffer.from('SPEAKER f 1 0 1 <NA> <NA> '), Buffer.from([0xc3, 0x28]), Buffer.from(' <NA> <NA>\n')]));
    await expect(readRttm(f)).rejects.toThrow(/bad\.rttm:1: expected UTF-8/);
  });

  it('reports a missing file with a stable code', async () => {
    const err = await readRttm('/nonexistent/x.rttm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CountSpeakersError);
    expect((err as CountSpeakersError).code).toBe('FILE_NOT_FOUND');
  });
});

describe('formatRttm', () => {
  it('writes sorted 3-decimal SPEAKER lines that parse back', () => {
    const text = formatRttm('film', [
      { startSec: 2.0004, endSec: 3.5, speaker: 'SPK02' },
      { startSec: 0.1, endSec: 2.0004, speaker: 'SPK01' },
    ]);
    expect(text).toBe('SPEAKER film 1 0.100 1.900 <NA> <NA> SPK01 <NA> <NA>\nSPEAKER film 1 2.000 1.500 <NA> <NA> SPK02 <NA> <NA>\n');
    const back = parseRttm(text).turnsByUri.get('film')!;
    expect(back[0].endSec).toBeCloseTo(back[1].startSec, 9);
  });

  it('leaves out turns that round to zero length', () => {
    expect(formatRttm('f', [{ startSec: 1, endSec: 1.0004, speaker: 'A' }])).toBe('');
  });

  it('refuses labels with whitespace', () => {
    expect(() => formatRttm('a b', [])).toThrow(/uri/);
    expect(() => formatRttm('a', [{ startSec: 0, endSec: 1, speaker: 'x y' }])).toThrow(/speaker/);
  });
});

describe('looksLikeRttm (may an output be written over)', () => {
  it('RTTM records, comments, empty: yes; a WAV or other text: no', () => {
    expect(looksLikeRttm('SPEAKER a 1 0.000 1.000 <NA> <NA> S1 <NA> <NA>\n')).toBe(true);
    expect(looksLikeRttm('; comment\n\nSPKR-INFO a 1 <NA> <NA> <NA> unknown S1 <NA> <NA>\n')).toBe(true);
    expect(looksLikeRttm('')).toBe(true);
    expect(looksLikeRttm('RIFF\u0024\u0000\u0000\u0000WAVEfmt ')).toBe(false);
    expect(looksLikeRttm('file,M,F\n')).toBe(false);
  });
});
