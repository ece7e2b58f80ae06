"""Credentials in the form the old SDK took them, from ``msrest.authentication``.

``ApiKeyCredentials(in_headers={"Training-key": key})`` works as before; header names are matched without
regard to case, since old code spells ``Training-key``, ``Training-Key`` and ``Prediction-Key`` alike. The
key is kept out of ``repr``. An azure-identity token credential can be passed to the compat clients directly,
instead of any of these.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ApiKeyCredentials", "CognitiveServicesCredentials"]


class ApiKeyCredentials:
    """A key sent in a request header (or, rarely, in the query), as ``msrest.authentication.ApiKeyCredentials``.

    Args:
        in_headers: headers to send with every request; the compat client takes the key from its
            ``Training-Key`` / ``Prediction-Key`` (or ``Ocp-Apim-Subscription-Key``) entry, any case.
        in_query: query parameters to send with every request.
    """

    def __init__(self, in_headers: Mapping[str, str] | None = None, in_query: Mapping[str, str] | None = None) -> None:
        self.in_headers = dict(in_headers or {})
        self.in_query = dict(in_query or {})
        if not self.in_headers and not self.in_query:
            raise ValueError(
                "ApiKeyCredentials needs in_headers or in_query, for example in_headers={'Training-Key': key}"
            )

    def __repr__(self) -> str:
        names = sorted({*self.in_headers, *self.in_query})
        return f"ApiKeyCredentials(names={names}, values=<hidden>)"


class CognitiveServicesCredentials(ApiKeyCredentials):
    """A Cognitive Services key, as ``msrest.authentication.CognitiveServicesCredentials``."""

    def __init__(self, subscription_key: str) -> None:
        if not subscription_key:
            raise ValueError("CognitiveServicesCredentials needs a key")
        super().__init__(in_headers={"Ocp-Apim-Subscription-Key": subscription_key})
