/**
 * Which files a batch processes: every media file under a folder (optionally recursive), or
 * the paths listed in a text file. Each input gets a stable key, its path relative to the
 * corpus root with '/' separators, used for sharding (the same on every machine).
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CountSpeakersError } from '../errors/index.js';

/** Audio and video containers tried by default (video goes through ffmpeg). `.ts` is left out: in a source tree it is TypeScript. */
export const DEFAULT_MEDIA_EXTENSIONS: readonly string[] = Object.freeze([
  'wav',
  'wave',
  'rf64',
  'flac',
  'mp3',
  'm4a',
  'aac',
  'ogg',
  'oga',
  'opus',
  'wma',
  'aif',
  'aiff',
  'amr',
  'caf',
  'mp4',
  'm4v',
  'mkv',
  'mka',
  'mov',
  'avi',
  'webm',
  'mpg',
  'mpeg',
  'mts',
  'm2ts',
  'wmv',
  'flv',
  '3gp',
]);

export interface BatchInput {
  /** The path handed to the engine and written in the results (input folder joined with the key, or the list entry). */
  file: string;
  /** Path relative to the corpus root, '/'-separated: the sharding key. */
  key: string;
  /** Size on disk (0 when the file is missing: the engine reports it). */
  sizeBytes: number;
}

export interface DiscoveryOptions {
  recursive: boolean;
  /** Lower-case extensions without the dot; applies to folders, not to lists (a list is explicit). */
  extensions: readonly string[];
}

export interface Discovery {
  kind: 'dir' | 'list';
  /** The corpus folder, or the folder of the list file. */
  root: string;
  /** Sorted by key, without duplicates. */
  inputs: BatchInput[];
}

/** Parse "wav,MP4, .mkv" -> ["wav","mp4","mkv"]. */
export function parseExtensions(text: string): string[] {
  const exts = text
    .split(',')
    .map((e) => e.trim().replace(/^\./, '').toLowerCase())
    .filter((e) => e.length > 0);
  if (exts.length === 0) {
    throw new CountSpeakersError(
      'INVALID_CONFIG',
      `Invalid option \`ext\`: expected a comma-separated list of extensions such as "wav,mp4", received ${JSON.stringify(text)}. Pass at least one extension.`,
    );
  }
  return [...new Set(exts)];
}

export function hasExtension(file: string, extensions: readonly string[]): boolean {
  const ext = path.extname(file).slice(1).toLowerCase();
  return ext.length > 0 && extensions.includes(ext);
}

/** Entries of a list file: one path per line; blank lines and lines starting with '#' are ignored. */
export function parseList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

function toKey(rel: string): string {
  return rel.split(path.sep).join('/');
}

export async function discoverInputs(input: string, options: DiscoveryOptions): Promise<Discovery> {
  let st;
  try {
    st = await stat(input);
  } catch (e) {
    throw new CountSpeakersError(
      'FILE_NOT_FOUND',
      `${input}: the batch input does not exist (expected a folder of recordings or a text file listing one path per line). Check the path.`,
      { file: input, cause: e },
    );
  }
  if (st.isDirectory()) {
    const inputs: BatchInput[] = [];
    await walk(input, input, options, inputs, new Set([await realpath(input)]));
    inputs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { kind: 'dir', root: input, inputs };
  }
  const root = path.dirname(input);
  let text: string;
  try {
    text = await readFile(input, 'utf8');
  } catch (e) {
    throw new CountSpeakersError(
      'FILE_UNREADABLE',
      `${input}: the list of files cannot be read (${(e as Error).message}). Check its permissions.`,
      { file: input, cause: e },
    );
  }
  if (text.includes('\0')) {
    throw new CountSpeakersError(
      'INVALID_CONFIG',
      `${input}: expected a folder or a text file listing one path per line, received a binary file. To process one recording, run \`count-speakers ${input}\`.`,
      { file: input },
    );
  }
  const seen = new Set<string>();
  const inputs: BatchInput[] = [];
  for (const entry of parseList(text)) {
    const file = path.isAbsolute(entry) ? entry : path.join(root, entry);
    const abs = path.resolve(file);
    if (seen.has(abs)) continue;
    seen.add(abs);
    let sizeBytes = 0;
    try {
      sizeBytes = (await stat(file)).size;
    } catch {
      // Missing entries are kept: the engine records FILE_NOT_FOUND for them.
    }
    inputs.push({ file, key: toKey(path.isAbsolute(entry) ? path.relative(root, entry) : path.normalize(entry)), sizeBytes });
  }
  inputs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { kind: 'list', root, inputs };
}

async function walk(root: string, dir: string, options: DiscoveryOptions, out: BatchInput[], visited: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const ent of entries) {
    // Dot files are skipped: macOS "._x.wav" resource forks and editor backups look like media but are not.
    if (ent.name.startsWith('.')) continue;
    const full = path.join(dir, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    let sizeBytes = 0;
    if (ent.isSymbolicLink() || isFile) {
      try {
        const s = await stat(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
        sizeBytes = s.size;
      } catch {
        // A dangling link: list it when its name matches, the engine reports FILE_NOT_FOUND.
        isFile = true;
      }
    }
    if (isDir) {
      if (!options.recursive) continue;
      const real = await realpath(full);
      if (visited.has(real)) continue; // a symlink loop
      visited.add(real);
      await walk(root, full, options, out, visited);
    } else if (isFile && hasExtension(ent.name, options.extensions)) {
      out.push({ file: full, key: toKey(path.relative(root, full)), sizeBytes });
    }
  }
}
