"""Client methods are bound at each look-up, as Python's own methods are, so a client holds no cycle through them."""

from __future__ import annotations

import inspect
import weakref

import pytest

from customvision_rest import AsyncPredictionClient, AsyncTrainingClient, PredictionClient, TrainingClient

ENDPOINT = "https://westeurope.api.cognitive.microsoft.com"
KEY = "0123456789abcdef0123456789abcdef"
CLIENTS = [TrainingClient, AsyncTrainingClient, PredictionClient, AsyncPredictionClient]
# One method of each kind: an operation, a workflow, a poller, a pager, bulk work.
METHODS = {
    "training": ["get_project", "train_and_wait", "begin_train_project", "iter_tagged_images", "upload_images"],
    "prediction": ["classify_image", "classify_images"],
}


def _methods(client_class: type) -> list[str]:
    return METHODS["training" if "Training" in client_class.__name__ else "prediction"]


@pytest.mark.parametrize("client_class", CLIENTS)
def test_a_client_whose_methods_were_looked_up_is_freed_without_the_collector(
    client_class: type, no_collector: None
) -> None:
    client = client_class(ENDPOINT, KEY)
    for name in _methods(client_class):
        assert callable(getattr(client, name))
    alive = weakref.ref(client)
    del client
    assert alive() is None, "the client is held by a reference cycle"


@pytest.mark.parametrize("client_class", CLIENTS)
def test_bound_methods_show_the_real_face(client_class: type) -> None:
    client = client_class(ENDPOINT, KEY)
    asynchronous = client_class.__name__.startswith("Async")
    for name in _methods(client_class):
        method = getattr(client, name)
        assert method.__name__ == name
        assert method.__qualname__ == f"{client_class.__name__}.{name}"
        assert method.__self__ is client
        assert "self" not in inspect.signature(method).parameters
        assert inspect.getdoc(method)
    # Operations and workflows are coroutine functions on an async client, plain functions on a sync one.
    first = getattr(client, _methods(client_class)[0])
    assert inspect.iscoroutinefunction(first) is asynchronous


def test_each_look_up_binds_to_its_own_client() -> None:
    one, other = TrainingClient(ENDPOINT, KEY), TrainingClient(ENDPOINT, KEY)
    assert one.get_project.__self__ is one
    assert other.get_project.__self__ is other
    # The function behind them is made once per client class.
    assert one.get_project.__func__ is other.get_project.__func__
