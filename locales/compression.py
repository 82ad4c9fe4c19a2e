"""gzip for cached answers without compressing them on every response.

A storefront page shared between visitors (gifts.page_cache) is the same bytes for everyone except a few short parts:
each visitor's CSRF token and the response's CSP nonce; a cached API answer (locales.api.CachedPublicRead) is the
same bytes for everyone. Compressing the whole text for every response cost about as much CPU as serving it from the
cache (docs/performance.md), so the shared parts are compressed once, when they are stored, and each response is put
together as one gzip stream (RFC 1951 and 1952):

* every shared part is a run of deflate blocks made by one compressor with a full flush after each part: the flush
  ends the part on a byte boundary and forgets what came before, so no part refers back to the text around it;
* every visitor's own part goes in as a stored (uncompressed) block, at the cost of a few bytes of framing;
* an empty final block and the gzip trailer (CRC-32 and length of the whole page) close the stream.

Secrets never share a compression window with anything else, so the length of a response cannot reveal them (the
BREACH attack needs a secret and attacker-chosen text compressed together). The header still carries a file name of
random length, as Django's GZipMiddleware writes it, so the response's length is as noisy as everywhere else.
"""

import secrets
import struct
import zlib
from collections.abc import Iterable

from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

_STORED_BLOCK_MAX = 0xFFFF
_FINAL_EMPTY_BLOCK = b"\x01\x00\x00\xff\xff"  # BFINAL=1, stored, length 0
_MAX_RANDOM_NAME = 100  # as django.middleware.gzip.GZipMiddleware.max_random_bytes


def deflate_each(parts: Iterable[bytes]) -> tuple[bytes, ...]:
    """Each part as raw deflate blocks that stand on their own: byte-aligned, with no reference to other parts."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return tuple(compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH) for part in parts)


def stored_blocks(data: bytes) -> bytes:
    """`data` as stored deflate blocks (none of them final), each at most 65,535 bytes long."""
    blocks = []
    for start in range(0, len(data), _STORED_BLOCK_MAX):
        chunk = data[start : start + _STORED_BLOCK_MAX]
        blocks.append(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


def gzip_from_parts(parts: Iterable[tuple[bytes, bytes | None]]) -> bytes:
    """One gzip stream of the text `parts` hold, in order: (text, its deflate_each() blocks) for a part compressed in
    advance, (text, None) for a part to store as it is."""
    crc, size, body = 0, 0, []
    for text, deflated in parts:
        crc = zlib.crc32(text, crc)
        size += len(text)
        body.append(stored_blocks(text) if deflated is None else deflated)
    header = b"\x1f\x8b\x08\x08" + b"\x00\x00\x00\x00" + b"\x00\xff"  # deflate, a file name, mtime 0, unknown OS
    name = b"a" * secrets.randbelow(_MAX_RANDOM_NAME) + b"\x00"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join((header, name, *body, _FINAL_EMPTY_BLOCK, trailer))


def accepts_gzip(request) -> bool:
    """Does the request's Accept-Encoding take gzip (as Django's GZipMiddleware reads it)?"""
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def gzip_response(parts: Iterable[tuple[bytes, bytes | None]], **kwargs) -> HttpResponse:
    """An HttpResponse (`kwargs` as HttpResponse takes them) of gzip_from_parts(parts), marked as gzip.

    It says `Vary: Accept-Encoding` itself: the compression middleware leaves a response that is already encoded
    alone."""
    response = HttpResponse(gzip_from_parts(parts), **kwargs)
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
