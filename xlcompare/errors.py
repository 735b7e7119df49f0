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


class SegmentationError(XlcompareError):
    """A text cannot be segmented as asked (e.g. an unknown split mode)."""
