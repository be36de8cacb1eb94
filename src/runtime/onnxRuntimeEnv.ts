/**
 * onnxruntime-node's bundled native library starts Microsoft's 1DS telemetry SDK with its
 * environment; on Linux that SDK leaves an empty `mat-debug-<pid>.log` and a `.ses` file in
 * TMPDIR on every run. The library reads ORT_DISABLE_TELEMETRY from the process environment
 * when it starts, so this must run before onnxruntime-node is loaded: entry points import this
 * module first. A value the user set is kept.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export {};
