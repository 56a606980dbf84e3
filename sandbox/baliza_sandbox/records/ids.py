"""CNPJ and CPF numbers with valid check digits."""

from __future__ import annotations

import random

_CNPJ_W1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _cnpj_dvs(d12: str) -> str:
    s = 0
    for c, w in zip(d12, _CNPJ_W1):
        s += (ord(c) - 48) * w
    r = s % 11
    d1 = 0 if r < 2 else 11 - r
    s = d1 * 2
    for c, w in zip(d12, _CNPJ_W2):
        s += (ord(c) - 48) * w
    r = s % 11
    d2 = 0 if r < 2 else 11 - r
    return f"{d1}{d2}"


def valid_cnpj(rng: random.Random) -> str:
    """A random 14-digit CNPJ with valid check digits (matriz ``0001`` most of the time)."""
    base = rng.randrange(100_000, 100_000_000)
    filial = 1 if rng.random() < 0.88 else rng.randint(2, 80)
    d12 = f"{base:08d}{filial:04d}"
    return d12 + _cnpj_dvs(d12)


def is_valid_cnpj(s: str) -> bool:
    if not isinstance(s, str) or len(s) != 14 or not s.isdigit() or s == s[0] * 14:
        return False
    return _cnpj_dvs(s[:12]) == s[12:]


def _cpf_dvs(d9: str) -> str:
    s = sum((ord(c) - 48) * w for c, w in zip(d9, range(10, 1, -1)))
    d1 = (s * 10 % 11) % 10
    s = sum((ord(c) - 48) * w for c, w in zip(d9 + str(d1), range(11, 1, -1)))
    d2 = (s * 10 % 11) % 10
    return f"{d1}{d2}"


def _valid_cpf(rng: random.Random) -> str:
    d9 = f"{rng.randrange(1_000_000, 999_999_999):09d}"
    return d9 + _cpf_dvs(d9)


def _is_valid_cpf(s: str) -> bool:
    if len(s) != 11 or not s.isdigit() or s == s[0] * 11:
        return False
    return _cpf_dvs(s[:9]) == s[9:]
