#!/usr/bin/env python3
"""Train the keyword classifier on audio_cache/kws/data.npz (made by scripts/kws_data.py from the
tuning voices only) and write its weights, batch norm folded in, to
voice_coach/listening/kws.npz for the numpy inference in voice_coach/listening/kws.py.

Needs torch (not a dependency of the product): a separate venv, e.g.
  python3 -m venv --system-site-packages .venv-train && .venv-train/bin/pip install torch numpy
  PYTHONPATH=. .venv-train/bin/python scripts/kws_train.py [--steps 4000]
The shipped networks: --steps 6000 --talkers, seeds 1301 and 1302.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "audio_cache" / "kws" / "data.npz"
OUT = ROOT / "voice_coach" / "listening" / "kws.npz"
WINDOW, BANDS, NONE = 200, 40, 10
FLOOR = float(np.log(1e-6))


def _centres() -> np.ndarray:
    """The mel bands' centre frequencies (Hz), as kws.log_mel spaces them."""

    def mel(f: np.ndarray | float) -> np.ndarray:
        return 2595 * np.log10(1 + np.asarray(f) / 700)

    edges = 700 * (10 ** (np.linspace(mel(60), mel(7600), BANDS + 2) / 2595) - 1)
    return np.asarray(edges[1:-1])


CENTRES = _centres()


class Net(nn.Module):
    def __init__(self, widths: tuple[int, ...] = (16, 32, 64, 64), hidden: int = 96) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c = 1
        for w in widths:
            layers += [nn.Conv2d(c, w, 3, 2, 1), nn.BatchNorm2d(w), nn.ReLU()]
            c = w
        self.convs = nn.Sequential(*layers)
        h, f = WINDOW, BANDS
        for _ in widths:
            h, f = (h + 1) // 2, (f + 1) // 2
        self.fc0 = nn.Linear(c * h * f, hidden)
        self.drop = nn.Dropout(0.3)
        self.fc1 = nn.Linear(hidden, NONE + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.convs(x[:, None])
        x = torch.relu(self.fc0(x.flatten(1)))
        return self.fc1(self.drop(x))


class Sampler:
    def __init__(
        self,
        data: np.lib.npyio.NpzFile,
        rng: np.random.Generator,
        warp: float = 0.0,
        talkers: bool = False,
    ) -> None:
        self.rng = rng
        self.warp = warp
        self.talkers = talkers
        self.clips = data["clips"].astype(np.float32)
        lengths = data["lengths"]
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        self.lengths = lengths
        self.labels = data["labels"]
        self.ons, self.offs = data["ons"], data["offs"]
        self.speech = data["speech"].astype(np.float32)
        self.noise = data["noise"].astype(np.float32)
        self.cues = data["cues"].astype(np.float32)
        self.commands = np.nonzero(self.labels != NONE)[0]
        self.others = np.nonzero(self.labels == NONE)[0]

    def _pad_start(self, w: np.ndarray, room: int) -> np.ndarray:
        """Sometimes the stream's start: the first frames silent (nothing heard yet)."""
        if room > 0 and self.rng.random() < 0.1:
            w = w.copy()
            w[: int(self.rng.integers(1, room + 1))] = FLOOR
        return w

    def command(self) -> tuple[np.ndarray, int]:
        i = int(self.rng.choice(self.commands))
        on, off, n = self.ons[i], self.offs[i], self.lengths[i]
        lo, hi = max(0, off - WINDOW + 3), min(on + 3, n - WINDOW)
        if lo > hi:
            return self.partial()
        s = int(self.rng.integers(lo, hi + 1))
        w = self.clips[self.starts[i] + s : self.starts[i] + s + WINDOW]
        if self.talkers and self.rng.random() < 0.1:
            w = self.beside(w, (-20, -6))
        return self._pad_start(w, on - s), int(self.labels[i])

    def partial(self) -> tuple[np.ndarray, int]:
        """A command's window that misses 0.2 s or more of its words: none."""
        i = int(self.rng.choice(self.commands))
        on, off, n = self.ons[i], self.offs[i], self.lengths[i]
        for _ in range(20):
            s = int(self.rng.integers(0, n - WINDOW + 1))
            if s > on + 20 or s + WINDOW < off - 20:
                w = self.clips[self.starts[i] + s : self.starts[i] + s + WINDOW]
                return self._pad_start(w, WINDOW), NONE
        return self.other()

    def other(self) -> tuple[np.ndarray, int]:
        i = int(self.rng.choice(self.others))
        s = int(self.rng.integers(0, self.lengths[i] - WINDOW + 1))
        w = self.clips[self.starts[i] + s : self.starts[i] + s + WINDOW]
        return self._pad_start(w, WINDOW), NONE

    def long(self, frames: np.ndarray) -> tuple[np.ndarray, int]:
        s = int(self.rng.integers(0, len(frames) - WINDOW + 1))
        return self._pad_start(frames[s : s + WINDOW], WINDOW), NONE

    def beside(self, w: np.ndarray, db: tuple[float, float]) -> np.ndarray:
        """`w` with a second talker (a stretch of the read guide, in its own room) `db` louder
        or softer: their powers add, band by band (log-mel is the log of a power)."""
        other, _ = self.long(self.speech)
        gain = float(self.rng.uniform(*db)) * np.log(10) / 10
        return np.logaddexp(w, other + gain).astype(np.float32)

    def two_talkers(self) -> tuple[np.ndarray, int]:
        """A person counting along (or any cue said back) while a TV or another person talks:
        none, however the two sounds happen to line up."""
        w, _ = self.long(self.cues)
        return self.beside(w, (-10, 6)), NONE

    def warped(self, w: np.ndarray) -> np.ndarray:
        """Another vocal tract's length, now and then (VTLP): every frequency scaled by 0.85-1.18,
        the bands read at their centres over that factor, so formants move but the voice's pitch
        and timing do not (a woman's voice from a man's, or the reverse, beyond sox's pitch)."""
        if self.warp == 0 or self.rng.random() >= self.warp:
            return w
        alpha = float(np.exp(self.rng.uniform(np.log(0.85), np.log(1.18))))
        where = np.interp(CENTRES / alpha, CENTRES, np.arange(BANDS))
        lo = np.clip(np.floor(where).astype(int), 0, BANDS - 1)
        hi = np.clip(lo + 1, 0, BANDS - 1)
        frac = (where - lo).astype(np.float32)
        return w[:, lo] * (1 - frac) + w[:, hi] * frac

    def batch(self, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        p = [0.43, 0.14, 0.12, 0.17, 0.05, 0.09, 0.0]
        if self.talkers:
            p = [0.43, 0.14, 0.09, 0.14, 0.05, 0.09, 0.06]
        kinds = self.rng.choice(7, size=size, p=p)
        items = []
        for k in kinds:
            if k == 0:
                items.append(self.command())
            elif k == 1:
                items.append(self.partial())
            elif k == 2:
                items.append(self.other())
            elif k == 3:
                items.append(self.long(self.speech))
            elif k == 4:
                items.append(self.long(self.noise))
            elif k == 5:
                items.append(self.long(self.cues))
            else:
                items.append(self.two_talkers())
        x = np.stack([self.warped(w) for w, _ in items])
        x = x - x.mean(axis=1, keepdims=True)
        # a little SpecAugment: a band stripe and a time stripe, now and then
        for row in x:
            if self.rng.random() < 0.5:
                f = int(self.rng.integers(0, BANDS - 4))
                row[:, f : f + int(self.rng.integers(1, 5))] = 0
            if self.rng.random() < 0.3:
                t = int(self.rng.integers(0, WINDOW - 10))
                row[t : t + int(self.rng.integers(1, 10))] = 0
        return torch.from_numpy(x), torch.from_numpy(np.array([y for _, y in items]))


def export(net: Net, path: Path) -> None:
    out = {}
    convs = [m for m in net.convs if isinstance(m, nn.Conv2d)]
    norms = [m for m in net.convs if isinstance(m, nn.BatchNorm2d)]
    for i, (conv, bn) in enumerate(zip(convs, norms, strict=True)):
        scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach()
        out[f"conv{i}.w"] = (conv.weight.detach() * scale[:, None, None, None]).numpy()
        out[f"conv{i}.b"] = (
            (conv.bias.detach() - bn.running_mean) * scale + bn.bias.detach()
        ).numpy()
    out["fc0.w"], out["fc0.b"] = net.fc0.weight.detach().numpy(), net.fc0.bias.detach().numpy()
    out["fc1.w"], out["fc1.b"] = net.fc1.weight.detach().numpy(), net.fc1.bias.detach().numpy()
    np.savez_compressed(path, **{k: v.astype(np.float16) for k, v in out.items()})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--warp", type=float, default=0.0, help="share of windows given another tract length"
    )
    parser.add_argument(
        "--talkers", action="store_true", help="two talkers at once: counting beside a TV (none)"
    )
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    sampler = Sampler(np.load(args.data), np.random.default_rng(args.seed), args.warp, args.talkers)
    net = Net()
    print(sum(p.numel() for p in net.parameters()), "parameters", flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=args.steps)
    loss_f = nn.CrossEntropyLoss()
    began = time.time()
    running, right = 0.0, 0.0
    for step in range(1, args.steps + 1):
        x, y = sampler.batch(args.batch)
        net.train()
        logits = net(x)
        loss = loss_f(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running = 0.98 * running + 0.02 * float(loss.detach())
        right = 0.98 * right + 0.02 * float((logits.argmax(1) == y).float().mean())
        if step % 200 == 0:
            print(
                f"{step} loss {running:.3f} acc {right:.3f} {time.time() - began:.0f} s", flush=True
            )
            net.eval()
            export(net, args.out)
    net.eval()
    export(net, args.out)
    print("wrote", args.out, args.out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
