"""Dataset download: every image of a project with its tags, regions and metadata, to a folder."""

from __future__ import annotations

__all__ = ["DatasetWorkflows"]


class DatasetWorkflows:
    """Dataset download; mixed into both training clients."""
