/** Synthetic signals regenerated bit for bit as in tools/embedding_goldens.py. */
export function lcgNoise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

export function twoSines(): Float32Array {
  const out = new Float32Array(16037);
  for (let t = 0; t < out.length; t++) {
    out[t] = 0.5 * Math.sin((2 * Math.PI * 440 * t) / 16000) + 0.25 * Math.sin((2 * Math.PI * 1234.5 * t) / 16000);
  }
  return out;
}

export function impulse(): Float32Array {
  const out = new Float32Array(4000);
  out[1000] = 1;
  return out;
}
