"""Where values are still stored: every text column of every model, and every file
in the media folder (zip members and PDF streams read too)."""

import json
import re
import zipfile
import zlib
from io import BytesIO

from django.apps import apps
from django.db import models

TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.BinaryField,
    models.FileField,
)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="ignore").casefold()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).casefold()
    return str(value).casefold()


def text_columns():
    """(model, fields) of every model with a text, JSON, binary or file column."""
    for model in apps.get_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, TEXT_FIELDS)
        ]
        if fields and not model._meta.proxy:
            yield model, fields


def database_hits(values):
    """The (model, column, value) where one of `values` is stored, in any case."""
    hits = set()
    for model, fields in text_columns():
        rows = model._base_manager.values_list(*[field.attname for field in fields])
        for row in rows:
            for field, cell in zip(fields, row, strict=True):
                text = _text(cell)
                hits.update(
                    (model._meta.label, field.name, value)
                    for value in values
                    if value.casefold() in text
                )
    return hits


def _readable(content):
    """A file's bytes as text: and its zip members, and its PDF's deflated streams."""
    parts = [content]
    if content[:2] == b"PK":
        with zipfile.ZipFile(BytesIO(content)) as archive:
            parts.extend(archive.read(name) for name in archive.namelist())
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return "\n".join(_text(part) for part in parts)


def media_hits(root, values):
    """The (file, value) where one of `values` is in a file under `root`."""
    hits = set()
    for path in root.rglob("*"):
        if path.is_file():
            text = _readable(path.read_bytes()) + "\n" + path.name.casefold()
            hits.update(
                (str(path.relative_to(root)), value)
                for value in values
                if value.casefold() in text
            )
    return hits


def pdf_pages(content):
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", content))
