"""A drop-in for the deprecated ``azure-cognitiveservices-vision-customvision`` 3.1.1 SDK.

A program written for that SDK runs unchanged after two replacements in its imports::

    azure.cognitiveservices.vision.customvision  ->  customvision_rest.compat
    msrest.authentication                        ->  customvision_rest.compat.authentication

The compat clients translate every call into :class:`customvision_rest.TrainingClient` and
:class:`customvision_rest.PredictionClient`, so they bring those clients' retries (``Retry-After``
included), limits checked before sending and clear errors. ``client.native`` is the native client, for code
that moves over one call at a time; ``docs/migration.md`` sets the two side by side.
"""

from .._version import __version__
from ._base import ClientRawResponse

__all__ = ["ClientRawResponse", "__version__"]
