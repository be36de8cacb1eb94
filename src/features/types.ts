/**
 * Spectral frontend contract. Two backends implement it: the TypeScript reference
 * (fft.js where the size allows, exact DFT otherwise) and the WASM SIMD core in native/.
 * Both must give the same numbers (golden tests), so the pipeline can swap them.
 */
export interface MelConfig {
  sampleRateHz: number;
  /** Analysis window length in samples (Hann, periodic as librosa). */
  windowSamples: number;
  hopSamples: number;
  /** FFT size (>= windowSamples; librosa pads the window to it centrally). */
  fftSize: number;
  melBands: number;
  fMinHz: number;
  fMaxHz: number;
  /** librosa center=True: pad fftSize/2 on both sides so frame t is centred at t*hop. */
  center: boolean;
  /** Padding used when center is true: librosa >= 0.10 pads with zeros ('constant'), older with 'reflect'. */
  padMode: 'constant' | 'reflect';
  /** 'power' = |X|^2 (librosa default), 'magnitude' = |X|. */
  spectrum: 'power' | 'magnitude';
  /** 'slaney' area normalisation of the filters (librosa default) or none. */
  melNorm: 'slaney' | 'none';
  /** Mel scale formula: 'slaney' (librosa default, htk=False) or 'htk'. */
  melScale: 'slaney' | 'htk';
}

/** Row-major [frames x melBands]. */
export interface MelSpectrogram {
  data: Float32Array;
  frames: number;
  melBands: number;
}

export interface FeatureBackend {
  readonly name: 'ts' | 'wasm';
  melSpectrogram(samples: Float32Array, config: MelConfig): MelSpectrogram;
  /** Optional: release native memory/instances. */
  dispose?(): void;
}
