import { defineConfig } from 'vitest/config';

// Tests load onnxruntime-node without the package's entry points: keep its telemetry SDK from
// writing mat-debug-<pid>.log and .ses into TMPDIR on every run (see src/runtime/onnxRuntimeEnv.ts).
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // 2-core machines: ONNX sessions use intra-op threads; keep files from oversubscribing.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
