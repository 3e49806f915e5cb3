"""Good files decode; bad ones fail with a clear message, bombs undecoded."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from mnist_core.drawing import uploads


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def noise(width: int, height: int) -> Image.Image:
    """Random grey pixels: they compress badly, so the file is mostly pixel data."""
    return Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (height, width), dtype=np.uint8))


def with_claimed_size(png: bytes, width: int, height: int) -> bytes:
    """The same PNG, its IHDR chunk claiming width×height, with a correct CRC."""
    # Signature (8 bytes), then IHDR: length (4), type (4), width and height (4 each), 5 more
    # data bytes, CRC (4) over type and data.
    chunk = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + chunk + struct.pack(">I", zlib.crc32(chunk)) + png[33:]


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_png_and_jpeg_decode(image_format):
    image = uploads.read_upload(encoded(noise(40, 30), image_format))

    assert image.size == (40, 30)
    assert np.asarray(image).shape == (30, 40)


def test_a_photo_taken_rotated_comes_back_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    raw_bytes = encoded(noise(40, 30), "JPEG", exif=exif)

    assert uploads.read_upload(raw_bytes).size == (30, 40)


def test_a_file_over_the_size_limit_is_rejected_before_opening(monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("opened"))

    with pytest.raises(uploads.UploadError, match=r"2,097,153 bytes; the limit is 2 MB"):
        uploads.read_upload(b"\0" * (2 * 1024 * 1024 + 1))


@pytest.mark.parametrize("raw_bytes, message", [
    (b"", "the file is empty"),
    (b"7\nthis is a text file, not a drawing\n", "the file is not an image"),
    (encoded(noise(8, 8), "GIF"), "GIF images are not accepted: upload a PNG or JPEG"),
    (encoded(noise(8, 8), "BMP"), "BMP images are not accepted"),
])
def test_files_that_are_not_png_or_jpeg_are_rejected(raw_bytes, message):
    with pytest.raises(uploads.UploadError, match=message):
        uploads.read_upload(raw_bytes)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_truncated_image_is_rejected(image_format):
    whole = encoded(noise(64, 64), image_format)

    with pytest.raises(uploads.UploadError, match=f"the {image_format} image is damaged"):
        uploads.read_upload(whole[:len(whole) // 2])


def test_a_broken_header_is_rejected():
    png = encoded(noise(8, 8), "PNG")
    bad_checksum = png[:29] + b"\0\0\0\0" + png[33:]

    with pytest.raises(uploads.UploadError, match="damaged"):
        uploads.read_upload(bad_checksum)


@pytest.fixture
def decoded(monkeypatch) -> list:
    """Records every attempt to decode pixels (PNG and JPEG use ImageFile.load)."""
    calls = []
    for owner in (Image.Image, ImageFile.ImageFile):
        original = owner.load
        monkeypatch.setattr(owner, "load", lambda self, original=original:
                            calls.append(self.size) or original(self))
    return calls


@pytest.mark.parametrize("width, height, message", [
    (5000, 5000, "claims 5000×5000 pixels; the limit is 4096×4096"),  # our own limit
    (10_000, 10_000, "too large to decode safely"),  # Pillow warns: treated as an error
    (50_000, 50_000, "too large to decode safely"),  # Pillow refuses
])
def test_a_header_claiming_huge_dimensions_is_rejected_undecoded(decoded, width, height,
                                                                 message):
    bomb = with_claimed_size(encoded(noise(4, 4), "PNG"), width, height)
    assert struct.unpack(">II", bomb[16:24]) == (width, height)
    decoded.clear()  # saving the small PNG above decoded it

    with pytest.raises(uploads.UploadError, match=message):
        uploads.read_upload(bomb)

    assert decoded == []


def test_the_decode_recorder_sees_a_normal_decode(decoded):
    uploads.read_upload(encoded(noise(4, 4), "PNG"))

    assert (4, 4) in decoded
