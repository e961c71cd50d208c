#!/usr/bin/env python3
"""Writes the committed workload inputs (deterministic: same bytes every run)."""
import pathlib
import random

root = pathlib.Path(__file__).resolve().parent.parent / "workloads" / "inputs"

def corpus(path: pathlib.Path, words: int, seed: int) -> None:
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "da", "po", "el", "an", "or", "un"]
    vocab = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(5000)]
    # Zipf-like weights, as in natural text: a few words are very common.
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    lines, line = [], []
    for w in rng.choices(vocab, weights=weights, k=words):
        line.append(w)
        if len(line) >= rng.randint(6, 14):
            lines.append(" ".join(line).capitalize() + ".")
            line = []
    lines.append(" ".join(line))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")

corpus(root / "wordfreq" / "corpus-a.txt", 60_000, 1)
corpus(root / "wordfreq" / "corpus-b.txt", 40_000, 2)
