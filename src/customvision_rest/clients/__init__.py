"""The clients: the only part of the library that sends requests, sleeps and closes connections.

``SyncClientBase`` and ``AsyncClientBase`` are the runtime every client is built on (retries, deadline, rate
limits, tokens); clients of other Azure APIs in this package, such as provisioning's, build on them too.
"""

from ._base import AsyncClientBase, SyncClientBase

__all__ = ["AsyncClientBase", "SyncClientBase"]
