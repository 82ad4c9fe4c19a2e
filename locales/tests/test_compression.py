"""A gzip stream put together from parts compressed in advance and parts stored as they are (locales.compression) is
one a browser reads back as the whole text, whatever the per-visitor parts hold."""

import gzip
import secrets
import zlib

import pytest

from locales import compression
from locales.compression import deflate_each, gzip_from_parts

SHARED = [
    b"<!DOCTYPE html><html><body>" + b"<p>River Light Bowl, hand-thrown in Oaxaca</p>" * 200,
    b'"><p>Rosa Mateo</p>' * 300,
    b"</body></html>",
]


def assemble(own: list[bytes]) -> bytes:
    deflated = deflate_each(SHARED)
    pieces = [(SHARED[0], deflated[0])]
    for text, blocks, visitors in zip(SHARED[1:], deflated[1:], own, strict=True):
        pieces += [(visitors, None), (text, blocks)]
    return gzip_from_parts(pieces)


@pytest.mark.parametrize(
    "own",
    [
        [b"token-one", b"<script nonce=abc></script>"],
        [b"", b""],
        # repeats the shared text, as a careless compressor would refer back to
        [SHARED[0][-300:], SHARED[1][:300]],
        # longer than one stored block can hold
        [secrets.token_bytes(70_000), secrets.token_bytes(200_000)],
    ],
    ids=["short", "empty", "repeats-shared-text", "over-64k"],
)
def test_the_stream_reads_back_as_the_whole_page(own):
    whole = SHARED[0] + own[0] + SHARED[1] + own[1] + SHARED[2]
    assert gzip.decompress(assemble(own)) == whole  # checks the CRC-32 and the length in the trailer too


def test_each_visitor_part_can_change_without_recompressing_the_shared_ones():
    first, second = assemble([b"a" * 64, b"b"]), assemble([b"z" * 64, b"y"])
    assert gzip.decompress(first).count(b"a" * 64) == 1
    assert gzip.decompress(second).count(b"z" * 64) == 1


def test_a_secret_changes_nothing_about_the_length_but_the_random_name(monkeypatch):
    """BREACH guesses a secret from how well it compresses beside attacker-chosen text; stored, it does not compress."""
    monkeypatch.setattr(compression.secrets, "randbelow", lambda limit: 0)
    guessed = assemble([SHARED[1][:64], b"nonce"])  # the secret equals text the page already holds
    random = assemble([secrets.token_hex(32).encode(), b"nonce"])
    assert len(guessed) == len(random)


def test_the_header_carries_a_file_name_of_random_length():
    lengths = {len(assemble([b"token", b"nonce"])) for _ in range(20)}
    assert len(lengths) > 1


def test_shared_text_is_compressed_well():
    blocks = deflate_each(SHARED)
    assert sum(map(len, blocks)) < sum(map(len, SHARED)) / 10
    for text, compressed in zip(SHARED, blocks, strict=True):  # each decodes on its own: no reference to another
        assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(compressed) == text
