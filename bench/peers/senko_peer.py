#!/usr/bin/env python3
"""senko peer: senko 0.2.2's Diarizer on CPU (Silero VAD + CAM++ + spectral clustering).

senko (https://github.com/narcotic-sh/senko, MIT) is a strong open diarizer built from the same
kind of parts as the engine: a VAD, CAM++ speaker embeddings (3D-Speaker), and spectral
clustering that finds the number of speakers itself (UMAP + HDBSCAN above 20 minutes). Its CPU
path is used as shipped: Diarizer(device='cpu', vad='silero'), default clustering settings,
nothing tuned on the evaluation data.

1. The model loads once (about 70 s with its warm-up), then every file is run in this process.
2. Each file is read with soundfile, mixed down to mono and resampled to 16 kHz
   (scipy.signal.resample_poly) when needed, clipped to [-1, 1], and given to
   Diarizer.diarize_samples (senko's file entry point accepts only 16 kHz mono 16-bit WAV).
3. The turns written are senko's `merged_segments` (what its users get: same-speaker turns
   less than 4 s apart joined, turns of 0.78 s or less dropped); `--segments raw` writes its
   un-merged segments instead. One RTTM per file, `<out-dir>/<uri>.rttm`; a file with no speech
   gets an empty RTTM.

Usage (Python of the senko venv, see bench/peers/requirements-senko.txt):
  senko_peer.py --out-dir DIR [--json report.json] [--threads N] [--segments merged|raw]
                (file.wav ... | folder)

The JSON report has the layout bench/bench-der.ts reads: startupSec, totalSec, maxRssKb and per
file uri, seconds (diarization wall time), durationSec, numClusters, or error.

Exit codes: 0 ok, 2 bad arguments, 3 a Python dependency (senko) is missing.
"""
import argparse
import json
import os
import resource
import sys
import time

try:
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly
    import torch
    from senko import Diarizer
except ImportError as exc:  # the bench reads this line and tells the user how to install
    print(f"missing Python module: {exc.name}. Make the senko venv: see bench/peers/requirements-senko.txt "
          f"(pip install -r bench/peers/requirements-senko.txt)", file=sys.stderr)
    sys.exit(3)

SR = 16000


def list_inputs(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out.extend(os.path.join(p, n) for n in sorted(os.listdir(p)) if n.lower().endswith(('.wav', '.flac')))
        else:
            out.append(p)
    return out


def load_16k_mono(path):
    x, rate = sf.read(path, dtype='float32', always_2d=True)
    x = x.mean(axis=1)
    if rate != SR:
        g = np.gcd(int(rate), SR)
        x = resample_poly(x, SR // g, int(rate) // g).astype(np.float32)
    return np.ascontiguousarray(np.clip(x, -1.0, 1.0)), len(x) / SR


def rttm_lines(uri, segments):
    lines = []
    for s in segments:
        dur = float(s['end']) - float(s['start'])
        if dur <= 0:
            continue
        lines.append(f"SPEAKER {uri} 1 {float(s['start']):.3f} {dur:.3f} <NA> <NA> {s['speaker']} <NA> <NA>")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out-dir', required=True)
    ap.add_argument('--json')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: senko\'s choice)')
    ap.add_argument('--segments', choices=['merged', 'raw'], default='merged')
    ap.add_argument('inputs', nargs='+')
    a = ap.parse_args()
    files = list_inputs(a.inputs)
    if not files:
        print('no input WAV files', file=sys.stderr)
        sys.exit(2)
    os.makedirs(a.out_dir, exist_ok=True)

    t0 = time.time()
    diarizer = Diarizer(device='cpu', vad='silero', warmup=True, quiet=True)
    if a.threads > 0:
        # senko resets torch threads to os.cpu_count() after its VAD; keep the bench's share.
        diarizer.logical_cores = a.threads
        torch.set_num_threads(a.threads)
    startup = time.time() - t0
    print(f'senko loaded in {startup:.1f} s', file=sys.stderr, flush=True)

    report = {'peer': f'senko (cpu, silero, {a.segments} segments)',
              'startupSec': startup, 'files': []}
    for f in files:
        uri = os.path.splitext(os.path.basename(f))[0]
        entry = {'uri': uri, 'file': f}
        try:
            x, dur = load_16k_mono(f)
            entry['durationSec'] = dur
            t1 = time.time()
            res = diarizer.diarize_samples(x, sample_rate=SR, source_name=uri)
            entry['seconds'] = time.time() - t1
            segs = [] if res is None else res['merged_segments' if a.segments == 'merged' else 'raw_segments']
            entry['numClusters'] = len({s['speaker'] for s in segs})
            with open(os.path.join(a.out_dir, f'{uri}.rttm'), 'w') as fh:
                lines = rttm_lines(uri, segs)
                fh.write('\n'.join(lines) + ('\n' if lines else ''))
            print(f"{uri}: {entry['numClusters']} speakers, {entry['seconds']:.2f} s for {dur:.1f} s", file=sys.stderr, flush=True)
        except Exception as e:  # one bad file must not lose the others
            entry['error'] = f'{type(e).__name__}: {e}'
            print(f'{uri}: FAILED {entry["error"]}', file=sys.stderr, flush=True)
        report['files'].append(entry)
    report['totalSec'] = time.time() - t0
    report['maxRssKb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if a.json:
        with open(a.json, 'w') as fh:
            json.dump(report, fh, indent=1)


if __name__ == '__main__':
    main()
