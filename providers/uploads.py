"""Checking uploaded evidence by what it is, not what it is called.

Only PDF, DOCX, PNG and JPEG are accepted. The type comes from the file's first bytes (its magic
number); the name's extension must agree, so a program renamed to .pdf, or a photo called .pdf,
is refused with a message saying which.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from fps_portal.errors import InvalidInput

ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", (".pdf",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("DOCX", (".docx",)),
    "image/png": ("PNG", (".png",)),
    "image/jpeg": ("JPEG", (".jpg", ".jpeg")),
}
# filetype inspects at most this many leading bytes (a DOCX is known by its zip entries).
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    label: str
    size: int
    original_filename: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}MB"


def check_upload(upload: UploadedFile | None, *, field: str = "file") -> CheckedUpload:
    """The upload's real type, or InvalidInput naming `field` with a message a person can act on."""
    if upload is None:
        raise InvalidInput("Select a file.", fields={field: "Select a file."})
    limit = settings.MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size == 0:
        raise InvalidInput(
            "The selected file is empty.", fields={field: "The selected file is empty."}
        )
    if size > limit:
        message = f"The selected file must be smaller than {_megabytes(limit)}."
        raise InvalidInput(message, fields={field: message})
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    allowed = ALLOWED.get(kind.mime) if kind is not None else None
    if allowed is None:
        message = "The selected file must be a PDF, DOCX, PNG or JPEG."
        raise InvalidInput(message, fields={field: message})
    label, extensions = allowed
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in extensions:
        message = (
            f"The selected file is a {label} but its name ends in '{ext or 'nothing'}'. "
            f"Rename it to end in {extensions[0]}."
        )
        raise InvalidInput(message, fields={field: message})
    return CheckedUpload(
        content_type=kind.mime, label=label, size=size, original_filename=name[:255]
    )
