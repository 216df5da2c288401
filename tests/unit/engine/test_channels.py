"""Signed tokens (engine.channels.sign/unsign): a token that is not ours, whatever it holds, is None, never an
error (a web chat client chooses what it sends)."""

import pytest

from engine.channels import sign, unsign

KEY = b"test-key"


def test_a_signed_value_reads_back_and_only_with_its_key():
    token = sign("abc", KEY)
    assert unsign(token, KEY) == "abc"
    assert unsign(token, b"other-key") is None


@pytest.mark.parametrize(
    "token",
    [
        "abc.сигнатура",
        "значение.подпись",
        "abc.\ud800",
        "\ud800.xyz",
        "a.b\x00",
        42,
        None,
        ["a.b"],
        "." * 600,
    ],
)
def test_anything_else_is_not_a_token(token):
    assert unsign(token, KEY) is None
