"""Reading case-file inputs: disk layouts (YAML, schema-checked) and dcdiag / repadmin text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, ValidationError

from ..scenario import ScenarioError, _describe, _Spec
from .restore import Disk, Layout


class DiskSpec(_Spec):
    name: str
    size_gb: Annotated[float, Field(gt=0)]
    kind: Literal["disk", "usb-flash", "usb-hdd"] = "disk"
    holds_backup: bool = False
    critical: bool = False
    exclude: bool = False


class LayoutSpec(_Spec):
    backup: list[DiskSpec] = Field(min_length=1)
    target: list[DiskSpec] = Field(min_length=1)


def read_text(path: str | os.PathLike) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise ScenarioError(str(path), [f"cannot read the file: {err.strerror or err}"]) from None


def load_layout(path: str | os.PathLike) -> Layout:
    text = read_text(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ScenarioError(str(path), [f"not valid YAML ({getattr(err, 'problem', err)})"]) from None
    if not isinstance(raw, dict):
        raise ScenarioError(str(path), ["expected a mapping with 'backup' and 'target' disk lists"])
    try:
        spec = LayoutSpec.model_validate(raw)
    except ValidationError as err:
        raise ScenarioError(str(path), [_describe(e) for e in err.errors()]) from None
    return Layout(tuple(Disk(**dict(d)) for d in spec.backup), tuple(Disk(**dict(d)) for d in spec.target))
