"""A small MinHash over character shingles, one signature per sentence (numpy, stable across runs).

Why per sentence: a copied report keeps most sentences and edits a few words in some, so each sentence is
matched on its own (estimated Jaccard of its 3-character shingles); LSH bands of the signatures find the
candidate sentences of other reports without comparing against all of them.
"""

from __future__ import annotations

import numpy as np

PERMS = 16  # signature length
BANDS = 8  # LSH bands of PERMS // BANDS rows: a pair at Jaccard 0.5 shares a band with p ≈ 0.9
ROWS = PERMS // BANDS
SHINGLE = 3
MATCH = 0.6  # estimated Jaccard from which two sentences count as the same wording
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20260103)  # fixed: signatures are stored, so they must not change
_A = (_rng.integers(1, 2**63 - 1, PERMS, dtype=np.uint64) | np.uint64(1)).reshape(1, PERMS)
_B = _rng.integers(0, 2**63 - 1, PERMS, dtype=np.uint64).reshape(1, PERMS)


def _shingles(s: str) -> np.ndarray:
    """3-character shingles of `s` as uint64 hashes (a sentence shorter than 3 is one shingle)."""
    codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    with np.errstate(over="ignore"):
        h = codes[:-2] * np.uint64(0x9E3779B1) ^ codes[1:-1] * np.uint64(0x85EBCA77) ^ codes[2:]
        return h * np.uint64(0xC2B2AE3D27D4EB4F)


def signatures(texts: list[str]) -> np.ndarray:
    """One row of PERMS uint32 minima per text (shape n × PERMS)."""
    if not texts:
        return np.zeros((0, PERMS), dtype=np.uint32)
    parts = [_shingles(t) for t in texts]
    offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
    allsh = np.concatenate(parts).reshape(-1, 1)
    with np.errstate(over="ignore"):
        hashed = ((allsh * _A + _B) >> np.uint64(32)) & _MASK32
    return np.minimum.reduceat(hashed, offsets, axis=0).astype(np.uint32)


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """n × BANDS int64 keys: the band's rows folded together with the band number."""
    if len(sigs) == 0:
        return np.zeros((0, BANDS), dtype=np.int64)
    s = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    key = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            key = key * np.uint64(0x100000001B3) ^ s[:, :, r]
        key ^= np.arange(BANDS, dtype=np.uint64) << np.uint64(56)
    return key.view(np.int64)


def agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """len(a) × len(b) estimated Jaccard of every sentence pair."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    return (a[:, None, :] == b[None, :, :]).mean(axis=2)
