"""Stand-ins for fast tests of plumbing; every analysis is also tested with the real model."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """A deterministic bag-of-hashed-words embedder: no model, no torch.

    Each word adds a signed unit to one of ``dim`` slots, so texts sharing
    words are close and texts sharing none are near-orthogonal.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"fake-hash-{dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``; the same text always gives the same vector."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or ["<empty>"]
            for word in words:
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                slot = int.from_bytes(digest[:4], "little") % self.dim
                out[row, slot] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm == 0.0:  # words cancelled out
                out[row, 0] = norm = 1.0
            out[row] /= norm
        return out
