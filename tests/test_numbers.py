"""The number check and the helpers that show values in error messages."""

from __future__ import annotations

import sys

import pytest

from autograd.numbers import as_list, counted, describe, positive_int, real, short, unordered


def test_short_cuts_long_reprs_to_the_limit_with_an_ellipsis():
    assert short("a" * 78) == repr("a" * 78)  # 80 characters with the quotes: kept
    text = "b" * 79  # 81 with the quotes: cut to 77 of them and "..."
    assert short(text) == repr(text)[:77] + "..." and len(short(text)) == 80
    assert short(list(range(100)), limit=10) == "[0, 1, ..."


def test_short_survives_a_number_too_long_to_print():
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("Python without a limit on the digits of an int")
    assert short(10**5000) == "<too long to show>"


def test_describe_and_unordered_name_the_type_and_the_value():
    assert describe(5) == "int 5" and describe("abc") == "str 'abc'"
    assert unordered({1}) == "set {1} (a set has no order; use a list)"
    assert unordered({"a": 1}.keys()).endswith("(a dict_keys has no order; use a list)")
    assert unordered((1, 2)) == "tuple (1, 2)"


def test_real_and_positive_int():
    assert real(3, "x") == 3.0 and type(real(3, "x")) is float
    with pytest.raises(TypeError, match=r"x must be a real number .*got bool True"):
        real(True, "x")
    with pytest.raises(ValueError, match="x must be a finite number, got inf"):
        real(float("inf"), "x")
    assert positive_int(1, "n") == 1
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        positive_int(0, "n")
    assert as_list("ab") is None and as_list((1, 2)) == [1, 2]


def test_counted_is_plural_unless_one() -> None:
    assert [counted(n, "path") for n in (0, 1, 2)] == ["0 paths", "1 path", "2 paths"]
    assert counted(1, "argument structure") == "1 argument structure"
