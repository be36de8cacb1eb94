/** Batch processing of corpora (library side: no printing, no exiting; the CLI is src/cli/batch.ts). */
export {
  DEFAULT_MEDIA_EXTENSIONS,
  discoverInputs,
  hasExtension,
  parseExtensions,
  parseList,
  type BatchInput,
  type Discovery,
  type DiscoveryOptions,
} from './discover.js';
export { fileId, Journal, RESULTS_OUTPUT, parseRecord, repairTornTail, type JournalOpenReport, type JournalRecord } from './journal.js';
export { BatchPool, maxJobs, threadsPerJob, type BatchPoolOptions, type FileReply } from './pool.js';
export { runBatch, scheduleOrder, type BatchHandlers, type FilePool, type FileResult } from './runner.js';
export { fnv1a32, inShard, parseShard, shardOf, type Shard } from './shard.js';
