"""Reference codes that the phone line reads aloud.

Eleven random Crockford base32 symbols (55 bits from ``secrets``) and one
check symbol, shown in groups of four: ``7KQ2-M9XD-4HRB``. Input is accepted
in any case, with or without spaces and hyphens, and with the look-alikes
Crockford allows (O for 0, I and L for 1).

The check symbol is a weighted sum over GF(32), ``Σ vᵢ·αⁱ⁺¹`` with α a primitive
element, so that the whole code sums to zero with the check symbol weighted 1
(α⁰). All twelve weights are distinct and non-zero (α has order 31), so any
single wrong symbol and any swap of two different symbols changes the sum:
the typo is caught before the database is asked anything.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAYLOAD_LENGTH = 11
CODE_LENGTH = PAYLOAD_LENGTH + 1
GROUP = 4

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
_POLYNOMIAL = 0b100101  # x⁵ + x² + 1, primitive over GF(2)


class InvalidCode(ValueError):
    """The text is not a well-formed reference code (wrong length, symbol or check)."""


def _gf32_multiply(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLYNOMIAL
    return product


def _weights(count: int) -> list[int]:
    weights, power = [], 1
    for _ in range(count):
        power = _gf32_multiply(power, 0b10)  # α = x; α⁰ is left for the check symbol
        weights.append(power)
    return weights


_PAYLOAD_WEIGHTS = _weights(PAYLOAD_LENGTH)


def check_symbol(payload: str) -> str:
    total = 0
    for symbol, weight in zip(payload, _PAYLOAD_WEIGHTS, strict=True):
        total ^= _gf32_multiply(_VALUES[symbol], weight)
    return ALPHABET[total]


def generate() -> str:
    """A new code in canonical form (12 symbols, no separators)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return payload + check_symbol(payload)


def normalise(text: str) -> str:
    """Canonical form of what a person typed; raises InvalidCode."""
    compact = _SEPARATORS.sub("", text or "").upper().translate(_LOOKALIKES)
    if len(compact) != CODE_LENGTH or any(symbol not in _VALUES for symbol in compact):
        raise InvalidCode(text)
    if check_symbol(compact[:-1]) != compact[-1]:
        raise InvalidCode(text)
    return compact


def display(code: str) -> str:
    """Grouped for reading aloud: ``7KQ2-M9XD-4HRB``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
