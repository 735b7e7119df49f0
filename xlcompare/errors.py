"""Exceptions raised by the library; the CLI turns each into one actionable line.

Every message should name the file or model involved and say what to do about it.
"""
from __future__ import annotations


class XlcompareError(Exception):
    """Base class of every error xlcompare raises on purpose."""


class InputError(XlcompareError):
    """An input file cannot be read, decoded or understood."""


class EncodingError(InputError):
    """The bytes are not in an encoding we accept without being told."""


class LanguageError(XlcompareError):
    """A language is unknown or unsupported by the chosen model."""


class ModelNotFoundError(XlcompareError):
    """A model (translation or embedding) is neither cached nor downloadable."""


class ModelLoadError(XlcompareError):
    """A model was found but could not be loaded."""


class MissingDependencyError(XlcompareError):
    """An optional dependency (extra) is not installed."""


class OutputError(XlcompareError):
    """An output cannot be written."""


class DownloadError(ModelNotFoundError):
    """A model could not be downloaded (network, disk, permissions, offline mode)."""


def install_hint(extra: str) -> str:
    """How to install one of xlcompare's extras, e.g. `install_hint("fast")`.

    Never `pip install 'xlcompare[fast]'` alone: the name xlcompare on PyPI belongs to an
    unrelated project, so that command can fetch it. The extra's own packages are named from
    the installed metadata (the bounds in pyproject.toml), with the install from a clone.
    """
    from importlib.metadata import PackageNotFoundError, requires

    try:
        requirements = requires("xlcompare") or []
    except PackageNotFoundError:
        requirements = []
    packages = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        if f'extra == "{extra}"' in marker.replace("'", '"'):
            packages.append(f"'{spec.strip()}'")
    from_clone = f"pip install -e '.[{extra}]' in a clone of xlcompare"
    if not packages:
        return from_clone
    return f"pip install {' '.join(packages)} (the [{extra}] extra; or {from_clone})"


class SegmentationError(XlcompareError):
    """A text cannot be segmented as asked (e.g. an unknown split mode)."""
