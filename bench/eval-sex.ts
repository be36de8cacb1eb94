/**
 * Sex benchmark: leave-speakers-out accuracy per speaker of the chunk sex model
 * (src/sex/model.ts) under film conditions; bench/lib/sex-conditions.ts says how.
 *
 *   npm run eval:sex -- [--json out.json] [--features a,b] [--l2 N] [--train-beds] [--compare]
 *
 * `--conditions` (the name this evaluation had beside the previous engine's window classifier)
 * is still accepted and changes nothing.
 */
import { runSexConditions } from './lib/sex-conditions.js';

await runSexConditions(process.argv.slice(2));
