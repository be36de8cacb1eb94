#!/usr/bin/env python3
"""Seed baseline peer: Resemblyzer partial embeddings + spectral clustering (eigengap).

The recipe the hackathon suggested, as in Resemblyzer's diarization demo and the
spectralcluster README:

1. Load the file at 16 kHz, normalise the volume (resemblyzer.preprocess_wav's steps).
2. Resemblyzer's own webrtcvad silence trimming (trim_long_silences), re-done here so that
   every kept 30 ms frame keeps its original time (preprocess_wav would drop the time axis).
3. VoiceEncoder.embed_utterance(wav, return_partials=True, rate=R): one 256-d embedding per
   1.6 s window, R windows per second.
4. spectralcluster.SpectralClusterer with the package's ICASSP 2018 preset ("Speaker
   Diarization with LSTM": CropDiagonal, GaussianBlur, RowWiseThreshold p=0.95, Symmetrize,
   Diffuse, RowWiseNormalize; eigengap cluster count; max_clusters=7), except min_clusters=1
   (the preset's 2 could never count a monologue). Window rate 16/s as in Resemblyzer's demo,
   lowered on long files so that at most --max-partials windows enter the n^2 affinity matrix.
5. Each kept 30 ms frame takes the label of the window whose centre is nearest; consecutive
   frames with one label form a turn. One RTTM per file, `<out-dir>/<uri>.rttm`.

Nothing is tuned on the evaluation data. Only Python tooling: the engine never needs this.

Usage:
  resemblyzer_spectral.py --out-dir DIR [--json report.json] [--rate 16] [--max-partials 4000]
                          [--min-clusters 1] [--max-clusters 7] [--threads N] file.wav [...]

Exit codes: 0 ok, 2 bad arguments or unreadable audio, 3 a Python dependency is missing.
"""
import argparse
import json
import os
import resource
import struct
import sys
import time

try:
    import numpy as np
    import librosa
    import torch
    import webrtcvad
    from scipy.ndimage import binary_dilation
    from resemblyzer import VoiceEncoder
    from resemblyzer import hparams
    from resemblyzer.audio import normalize_volume
    from spectralcluster import SpectralClusterer
    from spectralcluster import configs as sc_configs
except ImportError as exc:  # the bench reads this line and tells the user how to install
    print(f"missing Python module: {exc.name}. Install the peer's dependencies: "
          f"pip install -r bench/peers/requirements.txt (see bench/README.md)", file=sys.stderr)
    sys.exit(3)

SR = hparams.sampling_rate  # 16000
VAD_FRAME = (hparams.vad_window_length * SR) // 1000  # 480 samples = 30 ms
INT16_MAX = (2 ** 15) - 1


def speech_frames(wav):
    """Resemblyzer's trim_long_silences, returning the kept-frame mask instead of the trimmed wav."""
    n_frames = len(wav) // VAD_FRAME
    wav = wav[: n_frames * VAD_FRAME]
    pcm = struct.pack("%dh" % len(wav), *(np.round(wav * INT16_MAX)).astype(np.int16))
    vad = webrtcvad.Vad(mode=3)
    flags = np.array([vad.is_speech(pcm[i * VAD_FRAME * 2:(i + 1) * VAD_FRAME * 2], sample_rate=SR)
                      for i in range(n_frames)], dtype=float)
    width = hparams.vad_moving_average_width
    padded = np.concatenate((np.zeros((width - 1) // 2), flags, np.zeros(width // 2)))
    ret = np.cumsum(padded, dtype=float)
    ret[width:] = ret[width:] - ret[:-width]
    mask = np.round(ret[width - 1:] / width).astype(bool)
    mask = binary_dilation(mask, np.ones(hparams.vad_max_silence_length + 1))
    return mask  # one bool per 30 ms frame of the original wav


def make_clusterer(args):
    refinement = sc_configs.RefinementOptions(
        gaussian_blur_sigma=1,
        p_percentile=args.p_percentile,
        thresholding_soft_multiplier=0.01,
        thresholding_type=sc_configs.ThresholdType.RowMax,
        refinement_sequence=sc_configs.ICASSP2018_REFINEMENT_SEQUENCE)
    return SpectralClusterer(
        min_clusters=args.min_clusters,
        max_clusters=args.max_clusters,
        autotune=None,
        laplacian_type=None,
        refinement_options=refinement,
        custom_dist="cosine",
    )


def diarize(path, encoder, args):
    wav, sr = librosa.load(path, sr=None, mono=True)
    if sr != SR:
        wav = librosa.resample(wav, orig_sr=sr, target_sr=SR)
    duration = len(wav) / SR
    wav = normalize_volume(wav, hparams.audio_norm_target_dBFS, increase_only=True)
    mask = speech_frames(wav)
    kept = np.nonzero(mask)[0]  # original frame index of each kept frame
    if len(kept) == 0:
        return duration, [], 0, 0.0
    trimmed = wav[: len(mask) * VAD_FRAME].reshape(-1, VAD_FRAME)[mask].reshape(-1)
    trimmed_sec = len(trimmed) / SR
    # Keep the affinity matrix tractable on hour-long files (n^2 memory): lower the window rate.
    min_rate = SR / (int(SR * hparams.mel_window_step / 1000) * hparams.partials_n_frames)
    rate = max(min_rate, min(args.rate, args.max_partials / max(trimmed_sec, 1e-6)))
    _, partials, slices = encoder.embed_utterance(trimmed, return_partials=True, rate=rate)
    if len(partials) >= 2:
        labels = make_clusterer(args).predict(partials)
    else:
        labels = np.zeros(len(partials), dtype=int)
    centres = np.array([(s.start + s.stop) / 2 for s in slices], dtype=float)
    frame_centres = (np.arange(len(kept)) + 0.5) * VAD_FRAME
    nearest = np.clip(np.searchsorted(centres, frame_centres), 0, len(centres) - 1)
    prev = np.clip(nearest - 1, 0, len(centres) - 1)
    use_prev = np.abs(frame_centres - centres[prev]) < np.abs(frame_centres - centres[nearest])
    frame_labels = np.where(use_prev, labels[prev], labels[nearest])

    turns = []
    start = kept[0]
    for k in range(1, len(kept) + 1):
        if k == len(kept) or kept[k] != kept[k - 1] + 1 or frame_labels[k] != frame_labels[k - 1]:
            end = kept[k - 1] + 1
            turns.append((start * VAD_FRAME / SR, min(end * VAD_FRAME / SR, duration), int(frame_labels[k - 1])))
            if k < len(kept):
                start = kept[k]
    return duration, turns, len(set(int(x) for x in labels)), rate


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out-dir", required=True)
    p.add_argument("--json")
    p.add_argument("--rate", type=float, default=16.0)
    p.add_argument("--max-partials", type=int, default=4000)
    p.add_argument("--min-clusters", type=int, default=1)
    p.add_argument("--max-clusters", type=int, default=7)
    p.add_argument("--p-percentile", type=float, default=0.95)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("files", nargs="+")
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out_dir, exist_ok=True)

    t0 = time.perf_counter()
    encoder = VoiceEncoder("cpu", verbose=False)
    # Warm-up (librosa's numba JIT, torch init) on synthetic noise, so per-file times are steady;
    # it is part of startupSec and of totalSec.
    noise = np.random.default_rng(0).normal(0, 0.05, 3 * SR).astype(np.float32)
    encoder.embed_utterance(noise, return_partials=True, rate=args.rate)
    speech_frames(noise)
    startup_sec = time.perf_counter() - t0
    report = {"peer": "resemblyzer+spectralcluster", "startupSec": startup_sec,
              "settings": {"rate": args.rate, "maxPartials": args.max_partials, "minClusters": args.min_clusters,
                           "maxClusters": args.max_clusters, "pPercentile": args.p_percentile},
              "files": []}
    status = 0
    for path in args.files:
        uri = os.path.splitext(os.path.basename(path))[0]
        t1 = time.perf_counter()
        try:
            duration, turns, n_clusters, rate = diarize(path, encoder, args)
        except Exception as exc:  # one bad file must not hide the others' results
            print(f"{path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            report["files"].append({"file": path, "uri": uri, "error": f"{type(exc).__name__}: {exc}"})
            status = 2
            continue
        seconds = time.perf_counter() - t1
        rttm = os.path.join(args.out_dir, uri + ".rttm")
        with open(rttm, "w", encoding="utf-8") as f:
            for s, e, lab in turns:
                f.write(f"SPEAKER {uri} 1 {s:.3f} {e - s:.3f} <NA> <NA> spk{lab:02d} <NA> <NA>\n")
        report["files"].append({"file": path, "uri": uri, "rttm": rttm, "durationSec": duration,
                                "seconds": seconds, "numClusters": n_clusters, "rate": rate})
        print(f"{uri}: {n_clusters} clusters, {len(turns)} turns, {seconds:.2f} s", file=sys.stderr)
    report["maxRssKb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report["totalSec"] = time.perf_counter() - t0
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
