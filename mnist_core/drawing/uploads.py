"""Check an uploaded image before decoding it: its size, PNG or JPEG only, no decompression bomb."""

import io
import warnings

from PIL import Image, ImageOps

# Checked here whatever the uploader let through (the server's own limit is the zip's).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE  # decoded as RGBA, at most 64 MiB
ACCEPTED_FORMATS = ("PNG", "JPEG")
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}  # their first bytes


class UploadError(ValueError):
    """An uploaded file that is not a usable PNG or JPEG image; the message says why."""


def read_upload(raw_bytes: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Image.Image:
    """Decode an uploaded PNG or JPEG once its byte size and header dimensions have passed.

    Args:
        raw_bytes: the file's contents, e.g. `st.file_uploader(...).getvalue()`.
        max_bytes: the largest file accepted.

    Returns the decoded image, turned upright if its EXIF data says it was taken rotated.
    Raises UploadError with a message that can be shown as is.
    """
    if len(raw_bytes) > max_bytes:
        raise UploadError(f"the file has {len(raw_bytes):,} bytes; the limit is "
                          f"{max_bytes / 2**20:g} MB ({max_bytes:,} bytes)")
    if not raw_bytes:
        raise UploadError("the file is empty: upload a PNG or JPEG image")
    # Pillow only warns between 89M and 179M pixels; here any warning of a bomb is an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open_header(raw_bytes)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UploadError(f"the image claims {width}×{height} pixels; the limit is "
                              f"{MAX_SIDE}×{MAX_SIDE}")
        try:
            image.load()
            # A phone stores a photo's rotation in EXIF: without this a digit may lie on its side.
            return ImageOps.exif_transpose(image)
        except Exception as error:  # Pillow raises many types for damaged data
            raise UploadError(f"the {image.format} image is damaged or cut short ({error})") \
                from error


def _open_header(raw_bytes: bytes) -> Image.Image:
    """Image.open reads only the header; the pixels stay undecoded until load()."""
    try:
        return Image.open(io.BytesIO(raw_bytes), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError(f"the image is too large to decode safely ({error}); the limit is "
                          f"{MAX_SIDE}×{MAX_SIDE} pixels") from None
    except Image.UnidentifiedImageError:
        raise UploadError(_not_accepted(raw_bytes)) from None
    except Exception as error:  # a recognised format whose header is broken
        raise UploadError(f"the image is damaged ({error})") from error


def _not_accepted(raw_bytes: bytes) -> str:
    """Why Pillow did not open the file as PNG or JPEG: damaged, another format, or no image."""
    for signature, image_format in SIGNATURES.items():
        if raw_bytes.startswith(signature):
            return f"the {image_format} image is damaged: its header cannot be read"
    try:
        with Image.open(io.BytesIO(raw_bytes)) as image:
            found = image.format
    except Exception:  # no Pillow plugin recognises it (or it is a bomb): not an image for us
        return "the file is not an image: upload a PNG or JPEG"
    return f"{found} images are not accepted: upload a PNG or JPEG"
