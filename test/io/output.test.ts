/** The owner of output files: what it refuses (untouched), how it writes, the lock. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCountSpeakersError } from '../../src/errors/index.js';
import { checkAndWriteOutput, checkOutput, lockOutput, writeOutput, type OutputSpec } from '../../src/io/output.js';

const SPEC: OutputSpec = { what: 'test file', option: '--test', isOurs: (h) => h.startsWith('OURS'), allowStream: false };
const dir = () => mkdtempSync(path.join(tmpdir(), 'cs-output-'));

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isCountSpeakersError(e) ? e.code : 'not a CountSpeakersError';
  }
  return undefined;
}

describe('checkOutput', () => {
  it('accepts a missing, empty or own file; refuses another file, a folder, a binary file, untouched', () => {
    const d = dir();
    expect(checkOutput(path.join(d, 'new'), SPEC).regular).toBe(true);
    writeFileSync(path.join(d, 'empty'), '');
    expect(checkOutput(path.join(d, 'empty'), SPEC).regular).toBe(true);
    writeFileSync(path.join(d, 'ours'), 'OURS\n');
    expect(checkOutput(path.join(d, 'ours'), SPEC).regular).toBe(true);
    writeFileSync(path.join(d, 'other'), 'RIFF....WAVEfmt ');
    expect(code(() => checkOutput(path.join(d, 'other'), SPEC))).toBe('OUTPUT_REFUSED');
    expect(readFileSync(path.join(d, 'other'), 'utf8')).toBe('RIFF....WAVEfmt ');
    writeFileSync(path.join(d, 'nul'), Buffer.from('OURS\0\0'));
    expect(code(() => checkOutput(path.join(d, 'nul'), SPEC))).toBe('OUTPUT_REFUSED');
    mkdirSync(path.join(d, 'folder'));
    expect(code(() => checkOutput(path.join(d, 'folder'), SPEC))).toBe('OUTPUT_REFUSED');
  });

  it.skipIf(!existsSync('/dev/null'))('a device is refused unless the output allows streams', () => {
    expect(code(() => checkOutput('/dev/null', SPEC))).toBe('OUTPUT_REFUSED');
    expect(checkOutput('/dev/null', { ...SPEC, allowStream: true }).regular).toBe(false);
  });
});

describe('writeOutput', () => {
  it('replaces the file whole and leaves no temporary sibling', () => {
    const d = dir();
    const f = path.join(d, 'out');
    checkAndWriteOutput(f, SPEC, 'OURS 1\n');
    checkAndWriteOutput(f, SPEC, 'OURS 2\n');
    expect(readFileSync(f, 'utf8')).toBe('OURS 2\n');
    expect(readdirSync(d)).toEqual(['out']);
  });

  it.skipIf(!existsSync('/dev/full'))('a full device is OUTPUT_UNWRITABLE naming the file', () => {
    const t = checkOutput('/dev/full', { ...SPEC, allowStream: true });
    expect(() => writeOutput(t, 'x')).toThrow(/\/dev\/full.*ENOSPC/);
  });
});

describe('lockOutput', () => {
  it('one holder at a time; released on release; a dead holder is taken over', () => {
    const d = dir();
    const f = path.join(d, 'r.jsonl');
    const release = lockOutput(f, SPEC);
    expect(readFileSync(`${f}.lock`, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    // The same process again stands for a second run: the holder (this pid) is alive.
    expect(code(() => lockOutput(f, SPEC))).toBe('OUTPUT_IN_USE');
    release();
    expect(existsSync(`${f}.lock`)).toBe(false);
    writeFileSync(`${f}.lock`, `999999999 ${hostname()}\n`);
    const again = lockOutput(f, SPEC);
    expect(readFileSync(`${f}.lock`, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    again();
  });
});
