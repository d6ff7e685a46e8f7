"""Reading case-file inputs: disk layouts (YAML, schema-checked) and dcdiag / repadmin text."""

from __future__ import annotations

import codecs
import os
from typing import Annotated

from pydantic import Field

from ..errors import clip
from ..scenario import ScenarioError, StrictSpec, validate_yaml
from .restore import Disk, DiskKind, Layout, LayoutError


class DiskSpec(StrictSpec):
    name: str
    size_gb: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    kind: DiskKind = DiskKind.DISK
    holds_backup: bool = False
    critical: bool = False
    exclude: bool = False


class BackupDiskSpec(DiskSpec):
    system: bool = False


class LayoutSpec(StrictSpec):
    backup: list[BackupDiskSpec] = Field(min_length=1)
    target: list[DiskSpec] = Field(min_length=1)
    bios_boot_disk: str | None = None


# Windows tools redirected from PowerShell write UTF-16 with a byte order mark.
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


MAX_BYTES = 8_000_000
"""Bytes of a case file read: dcdiag output of a large forest, saved as UTF-16, is well under this."""


def read_text(path: str | os.PathLike) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (OSError, ValueError) as err:
        raise ScenarioError(
            clip(str(path), 120), [f"cannot read the file: {getattr(err, 'strerror', None) or err}"]
        ) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(str(path), [f"more than {MAX_BYTES:,} bytes: far larger than the outputs this kit reads"])
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ScenarioError(str(path), ["expected text (UTF-8, or UTF-16 with a byte order mark)"]) from None


def load_layout(path: str | os.PathLike) -> Layout:
    """The backup and target disks of a restore, from a YAML file (see labkit/data/cases/restore-*.yaml)."""
    spec = validate_yaml(read_text(path), str(path), LayoutSpec, "a mapping with 'backup' and 'target' disk lists")
    try:
        return Layout(
            tuple(Disk(**dict(d)) for d in spec.backup),
            tuple(Disk(**dict(d)) for d in spec.target),
            spec.bios_boot_disk,
        )
    except LayoutError as err:
        raise ScenarioError(str(path), [str(err)]) from None
