"""Bulk upload: any number of images, split into batches the service accepts."""

from __future__ import annotations

__all__ = ["BulkWorkflows"]


class BulkWorkflows:
    """Bulk image upload; mixed into both training clients."""
