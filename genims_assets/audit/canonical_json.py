"""The canonical text of a JSON value in the audit store: compact, sorted keys, every digit of every number kept.

Why it is built this way (contract: genims_assets/audit/README.md section 3):
- The hash chain covers JSON columns in this form, and the verifier recomputes it
  from what MySQL hands back, so writer and verifier must share one function:
  this module (through `canonical.py`).
- Serialising is a large share of the shipper's work (row images of ~400 bytes,
  several per event), so the text is made once per value with json's C encoder,
  and `CanonicalJson` marks text this module made: the store writes and hashes
  such a value as it is instead of parsing and serialising it again for every
  audit table the same row image goes to.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Sequence
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring


class CanonicalJson(str):
    """JSON text already in the canonical form. Made only by this module; any other str is parsed and checked."""

    __slots__ = ()


_NONE = type(None)

# JSON numbers are kept exactly: text is parsed with Decimal for fractions (ints are exact already) and a number
# is written in plain positional notation (as PostgreSQL prints numeric in jsonb), so 80.0000 stays 80.0000 and
# 1e-30 becomes 0.000000000000000000000000000001. Floats given by a producer are written as Decimal(repr(f)).
# The C encoder cannot write a Decimal, so `default` turns each into a marked string (`"\u001f<nonce>` + digits +
# `\u001f"` once encoded) whose marks are removed afterwards. The opening mark carries a per-process nonce and
# both marks are counted: only when each occurs exactly once per Decimal are they removed (a string that starts
# with the mark, or ends with \x1f, sends the value to the pure-Python encoder instead of being altered).
_NONCE = secrets.token_hex(8)
_MARK = "\x1f" + _NONCE
_OPEN = '"\\u001f' + _NONCE
_CLOSE = '\\u001f"'
_FLOAT_EXPONENT = re.compile(r"[0-9]e[-+][0-9]")  # a float's repr in exponent form (or such text in a string)
_MAX_NUMBER_DIGITS = 140_000  # PostgreSQL numeric: 131072 digits before the point, 16383 after


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


_DECODE_JSON = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant).decode


def parse_json(text: str | bytes):
    """JSON text parsed as the canonical form reads it: fractions as Decimal, NaN and Infinity refused."""
    return _DECODE_JSON(text.decode("utf-8") if isinstance(text, bytes) else text)


def _number_text(number: Decimal) -> str:
    """A Decimal as a JSON number in positional notation; integral exponents give a plain integer."""
    if not number.is_finite():
        raise ValueError(f"{number} is not a JSON number")
    if abs(number.adjusted()) > _MAX_NUMBER_DIGITS:
        raise ValueError(f"a number with {abs(number.adjusted())} digits is longer than {_MAX_NUMBER_DIGITS}")
    text = format(number, "f")  # an integral exponent gives the integer's digits, like str(int(number))
    return "0" if text == "-0" else text


def _python_canonical(value) -> str:
    """The canonical text without the C encoder (used only when a string contains the Decimal mark)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float | Decimal):
        return _number_text(Decimal(repr(value)) if isinstance(value, float) else value)
    if isinstance(value, dict):
        parts = []
        for key, item in sorted(value.items()):
            if not isinstance(key, str):
                key = _python_canonical(key) if key is None or isinstance(key, bool | int | float) else None
                if key is None:
                    raise TypeError("JSON object keys must be str, int, float, bool or None")
                key = key.strip('"')
            parts.append(f"{encode_basestring(key)}:{_python_canonical(item)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_python_canonical, value)) + "]"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _JsonCanon:
    """Canonical JSON text of many values with one C encoder (the per-call setup of json.dumps is the cost)."""

    def __init__(self) -> None:
        self.marks = 0
        self.encode = (
            c_make_encoder(None, self._default, encode_basestring, None, ":", ",", True, False, False)
            if c_make_encoder is not None
            else None
        )

    def _default(self, value) -> str:
        if isinstance(value, Decimal):
            self.marks += 1
            return _MARK + _number_text(value) + "\x1f"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def value(self, value, floats_checked: bool = False) -> CanonicalJson:
        """Canonical text of a parsed value (dict, list, str, number, bool, None; Decimal and float allowed)."""
        if self.encode is None:
            return CanonicalJson(_python_canonical(value))
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"{value} is not a JSON number")
            return CanonicalJson(_number_text(Decimal(repr(value))))
        self.marks = 0
        text = "".join(self.encode(value, 0))
        if self.marks:
            if not text.count(_OPEN) == self.marks == text.count(_CLOSE):
                return CanonicalJson(_python_canonical(value))
            text = text.replace(_OPEN, "").replace(_CLOSE, "")
        if not floats_checked and _FLOAT_EXPONENT.search(text):
            return self.value(_DECODE_JSON(text), floats_checked=True)  # floats written by repr as 1e-05
        return CanonicalJson(text)

    def text(self, text: str | bytes) -> CanonicalJson:
        """Canonical text of JSON text, numbers parsed exactly (text this module made is returned as it is)."""
        if type(text) is CanonicalJson:
            return text
        return self.value(parse_json(text), floats_checked=True)


_PER_THREAD = threading.local()  # an encoder counts its Decimal marks: one per thread (the shipper uses threads)


def _canon() -> _JsonCanon:
    canon = getattr(_PER_THREAD, "canon", None)
    if canon is None:
        canon = _PER_THREAD.canon = _JsonCanon()
    return canon


def canonical_json(value) -> CanonicalJson:
    """Compact, sorted-key JSON text with exact numbers (the canonical form of a JSON column) of a value."""
    return _canon().value(value)


def canonical_json_text(text: str | bytes) -> CanonicalJson:
    """The canonical form of JSON text (as a producer wrote it or MySQL returns it); ValueError if not JSON."""
    return _canon().text(text)


def parse_json_canonical(text: str | bytes) -> tuple[object, CanonicalJson]:
    """JSON text parsed (as parse_json) and its canonical form, from one parse."""
    value = parse_json(text)
    return value, _canon().value(value, floats_checked=True)


def canonical_json_column(values: Sequence) -> list | None:
    """Canonical text of a JSON column's values (str: JSON text; else a value to serialise; None stays None),
    or None when one is not JSON (the caller's checked loop names it). Canonical text passes as it is."""
    if set(map(type, values)) <= {CanonicalJson, _NONE}:
        return list(values)
    canon = _canon()
    value, text = canon.value, canon.text
    try:
        return [
            v if v is None or type(v) is CanonicalJson else text(v) if isinstance(v, str | bytes) else value(v)
            for v in values
        ]
    except (TypeError, ValueError, RecursionError):
        return None
