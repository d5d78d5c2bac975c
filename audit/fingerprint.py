"""What the store keeps of a report's prose: per counted sentence its line, length and MinHash signature.

Not the text: the signature is enough to find copied sentences later, and the scorecard keeps the few
passages it quotes as evidence.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from audit.minhash import PERMS, band_keys, signatures
from audit.prose import Sentence, sentences

_HEAD = struct.Struct("<II")  # version, sentence count
VERSION = 1


@dataclass(slots=True)
class Fingerprint:
    lines: np.ndarray  # int32, one per counted sentence
    chars: np.ndarray  # int32: normalised length (what a share is measured in)
    sigs: np.ndarray  # uint32, n × PERMS
    texts: list[str] | None = None  # the printed sentences, only while the report is being scored

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def total_chars(self) -> int:
        return int(self.chars.sum())

    def keys(self) -> np.ndarray:
        return band_keys(self.sigs)

    def to_bytes(self) -> bytes:
        n = len(self)
        return (_HEAD.pack(VERSION, n) + self.lines.astype("<i4").tobytes() + self.chars.astype("<i4").tobytes()
                + self.sigs.astype("<u4").tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        version, n = _HEAD.unpack_from(data)
        if version != VERSION:
            raise ValueError(f"unknown fingerprint version {version}")
        off = _HEAD.size
        lines = np.frombuffer(data, "<i4", n, off)
        chars = np.frombuffer(data, "<i4", n, off + 4 * n)
        sigs = np.frombuffer(data, "<u4", n * PERMS, off + 8 * n).reshape(n, PERMS)
        return cls(lines, chars, sigs)


def from_sentences(found: list[Sentence]) -> Fingerprint:
    return Fingerprint(
        np.array([s.line for s in found], dtype=np.int32),
        np.array([len(s.norm) for s in found], dtype=np.int32),
        signatures([s.norm for s in found]),
        [s.text for s in found],
    )


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a report's text."""
    return from_sentences(sentences(text))
