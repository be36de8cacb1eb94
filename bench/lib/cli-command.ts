/**
 * The command line that runs `count-speakers` from the sources (node through tsx, no build), for
 * the CLI benchmarks and the tests that start the CLI as a user does.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const mainUrl = pathToFileURL(path.join(repoRoot, 'src', 'cli', 'main.ts')).href;

/** node and its arguments; append the CLI's own arguments. */
export function cliCommand(): string[] {
  return [
    process.execPath,
    '--import',
    tsx,
    '--input-type=module',
    '-e',
    `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(process.argv.slice(1));`,
    '--',
  ];
}
