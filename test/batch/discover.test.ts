import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_EXTENSIONS, discoverInputs, hasExtension, parseExtensions, parseList } from '../../src/batch/discover.js';
import { CountSpeakersError } from '../../src/errors/index.js';

function corpus(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'batch-discover-'));
  mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
  for (const f of [
    'a.wav',
    'B.WAV',
    'c.mp4',
    'notes.txt',
    'script.ts',
    '.hidden.wav',
    'sub/d.flac',
    'sub/deeper/e.wav',
    'sub/deeper/f.doc',
  ]) {
    writeFileSync(path.join(root, f), 'x'.repeat(f.length));
  }
  // A loop through a symlinked folder must not recurse forever.
  symlinkSync(root, path.join(root, 'sub', 'loop'));
  return root;
}

describe('batch input discovery', () => {
  it('parses extension lists', () => {
    expect(parseExtensions('wav, .MP4,mkv,wav')).toEqual(['wav', 'mp4', 'mkv']);
    expect(() => parseExtensions(' , ')).toThrow(CountSpeakersError);
    expect(hasExtension('x/Y.WaV', ['wav'])).toBe(true);
    expect(hasExtension('x/wav', ['wav'])).toBe(false);
    expect(DEFAULT_MEDIA_EXTENSIONS).toContain('mkv');
    expect(DEFAULT_MEDIA_EXTENSIONS).not.toContain('ts');
  });

  it('a folder: media files only, sorted, dot files skipped, no recursion by default', async () => {
    const root = corpus();
    const d = await discoverInputs(root, { recursive: false, extensions: DEFAULT_MEDIA_EXTENSIONS });
    expect(d.kind).toBe('dir');
    expect(d.inputs.map((i) => i.key)).toEqual(['B.WAV', 'a.wav', 'c.mp4']);
    expect(d.inputs[1].file).toBe(path.join(root, 'a.wav'));
    expect(d.inputs[1].sizeBytes).toBe('a.wav'.length);
  });

  it('--recursive walks sub-folders (keys are relative, /-separated) and survives symlink loops', async () => {
    const root = corpus();
    const d = await discoverInputs(root, { recursive: true, extensions: DEFAULT_MEDIA_EXTENSIONS });
    expect(d.inputs.map((i) => i.key)).toEqual(['B.WAV', 'a.wav', 'c.mp4', 'sub/d.flac', 'sub/deeper/e.wav']);
  });

  it('--ext filters by extension, case-insensitively', async () => {
    const root = corpus();
    const d = await discoverInputs(root, { recursive: true, extensions: ['wav'] });
    expect(d.inputs.map((i) => i.key)).toEqual(['B.WAV', 'a.wav', 'sub/deeper/e.wav']);
  });

  it('a list file: comments, blank lines, CRLF, relative to the list, duplicates dropped, missing kept', async () => {
    const root = corpus();
    const list = path.join(root, 'sub', 'list.txt');
    const abs = path.join(root, 'a.wav');
    writeFileSync(list, `# my corpus\r\n\r\ndeeper/e.wav\r\n  ../c.mp4  \n${abs}\n./deeper/e.wav\nmissing.wav\n`);
    expect(parseList('# c\n\n x \n')).toEqual(['x']);
    const d = await discoverInputs(list, { recursive: false, extensions: ['wav'] });
    expect(d.kind).toBe('list');
    expect(d.root).toBe(path.join(root, 'sub'));
    // Lists are explicit: the extension filter does not apply.
    expect(d.inputs.map((i) => i.key)).toEqual(['../a.wav', '../c.mp4', 'deeper/e.wav', 'missing.wav']);
    expect(d.inputs.find((i) => i.key === 'missing.wav')?.sizeBytes).toBe(0);
    expect(d.inputs.find((i) => i.key === 'deeper/e.wav')?.file).toBe(path.join(root, 'sub', 'deeper', 'e.wav'));
  });

  it('a missing input or a binary "list" is a clear error', async () => {
    const root = corpus();
    await expect(discoverInputs(path.join(root, 'nope'), { recursive: false, extensions: ['wav'] })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    const bin = path.join(root, 'film.wav');
    writeFileSync(bin, Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0]));
    await expect(discoverInputs(bin, { recursive: false, extensions: ['wav'] })).rejects.toThrow(/count-speakers .*film\.wav/);
  });
});
