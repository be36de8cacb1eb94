import { defineConfig } from 'vitest/config';

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
