/** The shared diarization options: parsed once, checked by the library's validators, named by flag. */
import { describe, expect, it } from 'vitest';
import { parseBatchArgs } from '../../src/cli/batch.js';
import { parseCountArgs } from '../../src/cli/count.js';
import { diarizeOptionsFrom } from '../../src/cli/options.js';
import { maxJobs } from '../../src/batch/index.js';
import { rttmUriOf } from '../../src/io/index.js';

describe('diarizeOptionsFrom', () => {
  it('turns the flags into numbers', () => {
    expect(diarizeOptionsFrom({ 'num-speakers': '3', 'min-speech': '1.5', threads: '2' })).toEqual({
      numSpeakers: 3,
      minSpeechSec: 1.5,
      threads: 2,
    });
  });

  it.each([
    [{ 'num-speakers': '1e9' }, /--num-speakers: expected an integer >= 1 and <= 1000, received 1000000000/],
    [{ threads: '1000' }, /--threads: .*<= 256, received 1000/],
    [{ 'min-speech': '1e308' }, /--min-speech: .*<= 3600/],
    [{ 'min-speakers': '5', 'max-speakers': '2' }, /--min-speakers: expected <= --max-speakers \(2\), received 5/],
    [{ 'num-speakers': 'two' }, /--num-speakers expects a number, received "two"/],
    [{ 'min-speech': '' }, /--min-speech expects a number/],
  ])('%o is a usage error naming the flag', (values, message) => {
    expect(() => diarizeOptionsFrom(values)).toThrow(message);
  });

  it('count and batch share it', () => {
    expect(() => parseCountArgs(['--num-speakers', '1e9', 'a.wav'])).toThrow(/--num-speakers/);
    expect(() => parseBatchArgs(['c', '--out', 'r', '--min-speakers', '5', '--max-speakers', '2'])).toThrow(/--min-speakers/);
    expect(() => parseBatchArgs(['c', '--out', 'r', '--threads', '1000'])).toThrow(/--threads/);
  });
});

describe('maxJobs', () => {
  it('is the cores, or fewer when half the memory cannot hold them', () => {
    expect(maxJobs(2, 24 * 2 ** 30)).toBe(2);
    expect(maxJobs(64, 4 * 2 ** 30)).toBe(4);
    expect(maxJobs(8, 2 ** 28)).toBe(1);
  });
});

describe('rttmUriOf', () => {
  it('is the name without extension, whitespace replaced', () => {
    expect(rttmUriOf('/films/My Film (1999) - Part 2.mkv')).toEqual({ uri: 'My_Film_(1999)_-_Part_2', changed: true });
    expect(rttmUriOf('a/interview.wav')).toEqual({ uri: 'interview', changed: false });
    expect(rttmUriOf('new\nline\t.wav').uri).toBe('new_line_');
    expect(rttmUriOf('.wav').uri).toBe('.wav');
    expect(rttmUriOf('-x.wav').uri).toBe('-x');
  });
});
