/**
 * Where a worker thread's entry file is, from the module that starts it. From src/ (tsx,
 * vitest) the worker is TypeScript: the thread registers tsx before loading it (a data: URL
 * preload, so nothing else is needed on disk). From dist/ it is the compiled .js.
 * @param callerUrl import.meta.url of the module starting the worker
 * @param relativeStem path of the entry relative to the caller, without extension ('./worker')
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function workerEntry(callerUrl: string, relativeStem: string): { filename: string; execArgv: string[] } {
  if (callerUrl.endsWith('.ts')) {
    const tsxApi = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
    const preload = 'data:text/javascript,' + encodeURIComponent(`import { register } from ${JSON.stringify(tsxApi)}; register();`);
    return { filename: fileURLToPath(new URL(`${relativeStem}.ts`, callerUrl)), execArgv: ['--import', preload] };
  }
  return { filename: fileURLToPath(new URL(`${relativeStem}.js`, callerUrl)), execArgv: [] };
}
