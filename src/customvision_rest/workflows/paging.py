"""Lazy iteration over everything the service lists a page at a time, written once for both clients.

A listing is described by a *pager*: a generator that yields the :class:`~customvision_rest.core.operation.Operation`
fetching the next page (and receives its result) and :class:`Page` steps handing items to the caller. The sync
client walks it as a plain generator (``for image in client.iter_images(project_id)``), the async client as an
async generator (``async for image in client.iter_images(project_id)``). A page is fetched only when the caller
has consumed the one before, so memory holds one page (at most 256 items) whatever the size of the listing.

The arguments are checked when the method is called, before the first page is fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .._exceptions import ClientValidationError
from ..core.lazy import lazy_module
from ..core.operation import AsyncRunner, ClientMethod, Cursor, Operation, SyncRunner, type_argument
from ..operations import Id
from ..operations.limits import MAX_TAKE
from ..operations.training import TrainingOperations, coerce_model

if TYPE_CHECKING:
    from ..models import training as models
    from ..models.training import (
        Image,
        ImagePerformance,
        PredictionQueryResult,
        PredictionQueryToken,
        StoredImagePrediction,
        StoredSuggestedTagAndRegion,
        SuggestedTagAndRegionQuery,
        SuggestedTagAndRegionQueryToken,
    )
else:
    models = lazy_module("customvision_rest.models.training")

__all__ = [
    "Page",
    "Pager",
    "PagerMethod",
    "PagingWorkflows",
    "by_continuation",
    "by_skip_and_take",
    "pager",
]

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Page(Generic[T]):
    """A pager's step: hand these items to the caller before the next page is fetched."""

    items: Sequence[T]


Pager = Generator[Operation[Any] | Page[T], Any, None]
"""A generator that yields operations (sent back their results) and pages of items."""


def by_skip_and_take(fetch: Callable[[int, int], Operation[list[T]]], page_size: int) -> Pager[T]:
    """Walk a ``skip``/``take`` listing: ``fetch(skip, take)`` builds the request of one page.

    The first request is built at once, so bad arguments raise before anything is fetched; the listing ends
    at the first page shorter than ``page_size``.
    """
    take = _page_size(page_size)
    first = fetch(0, take)

    def walk() -> Pager[T]:
        skip, request = 0, first
        while True:
            items: list[T] = yield request
            if items:
                yield Page(items)
            if len(items) < take:
                return
            skip += len(items)
            request = fetch(skip, take)

    return walk()


Q = TypeVar("Q", "PredictionQueryToken", "SuggestedTagAndRegionQueryToken")
R = TypeVar("R", "PredictionQueryResult", "SuggestedTagAndRegionQuery")


def by_continuation(fetch: Callable[[Q], Operation[R]], query: Q) -> Generator[Operation[Any] | Page[Any], Any, None]:
    """Walk a listing paged by a session/continuation token: each answer carries the token of the next page."""
    first = fetch(query)

    def walk() -> Generator[Operation[Any] | Page[Any], Any, None]:
        request = first
        while True:
            answer: R = yield request
            if answer.results:
                yield Page(answer.results)
            token = answer.token
            if token is None or not token.continuation or not answer.results:
                return
            request = fetch(token)  # type: ignore[arg-type]

    return walk()


def _page_size(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TAKE:
        raise ClientValidationError(
            f"page_size must be a whole number from 1 to {MAX_TAKE}, got {value!r}",
            limit=f"page_size <= {MAX_TAKE}",
            value=value,
        )
    return value


def iterate(runner: SyncRunner, flow: Pager[T]) -> Iterator[T]:
    """The items of a pager, fetching each page with a blocking client as the caller reaches it."""
    cursor: Cursor[Operation[Any] | Page[T], None] = Cursor(flow)
    while not cursor.finished:
        step = cursor.step
        if isinstance(step, Page):
            yield from step.items
            cursor.send(None)
        else:
            cursor.send(runner._run(step))


async def aiterate(runner: AsyncRunner, flow: Pager[T]) -> AsyncIterator[T]:
    """The items of a pager, fetching each page with an async client as the caller reaches it."""
    cursor: Cursor[Operation[Any] | Page[T], None] = Cursor(flow)
    while not cursor.finished:
        step = cursor.step
        if isinstance(step, Page):
            for item in step.items:
                yield item
            cursor.send(None)
        else:
            cursor.send(await runner._run(step))


class PagerMethod(ClientMethod, Generic[P, T]):
    """A client method that lists lazily: an iterator on a sync client, an async iterator on an async one."""

    def __init__(self, build: Callable[Concatenate[Any, P], Pager[T]]) -> None:
        super().__init__(build)

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> PagerMethod[P, T]: ...
    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any] | None = None) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, instance: AsyncRunner, owner: type[Any] | None = None) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, instance: Any, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        return self._bind(instance)

    def _bind_sync(self, instance: Any) -> Callable[..., Any]:
        build = self._build

        def iterate_sync(*args: Any, **kwargs: Any) -> Iterator[T]:
            return iterate(instance, build(instance, *args, **kwargs))

        return iterate_sync

    def _bind_async(self, instance: Any) -> Callable[..., Any]:
        build = self._build

        def iterate_async(*args: Any, **kwargs: Any) -> AsyncIterator[T]:
            return aiterate(instance, build(instance, *args, **kwargs))

        return iterate_async

    def _result_annotation(self, built: Any, asynchronous: bool) -> Any:
        # The builder returns Pager[X]; the method an iterator of X (written as the builder's annotation is).
        text = str(self._build.__annotations__.get("return", ""))
        item = type_argument(text) if text.startswith("Pager[") else "Any"
        return f"{'AsyncIterator' if asynchronous else 'Iterator'}[{item}]"


def pager(build: Callable[Concatenate[Any, P], Pager[T]]) -> PagerMethod[P, T]:
    """Make an ``iter_*`` client method from a function that checks its arguments and returns a pager."""
    return PagerMethod(build)


class PagingWorkflows:
    """The ``iter_*`` methods; mixed into both training clients next to the operations."""

    @pager
    def iter_images(
        self,
        project_id: Id,
        /,
        *,
        iteration_id: Id | None = None,
        tag_ids: Iterable[Id] | None = None,
        tagging_status: str | None = None,
        filter: str | None = None,
        order_by: str | None = None,
        page_size: int = MAX_TAKE,
    ) -> Pager[Image]:
        """Every image of the project (filters as :meth:`get_images`), fetched ``page_size`` (1 to 256) at a time.

        Pages are read by ``skip``: images added or deleted while iterating may be seen twice or missed.
        """
        tags = None if tag_ids is None else list(tag_ids)
        return by_skip_and_take(
            lambda skip, take: TrainingOperations.get_images.build(
                self,
                project_id,
                iteration_id=iteration_id,
                tag_ids=tags,
                tagging_status=tagging_status,
                filter=filter,
                order_by=order_by,
                take=take,
                skip=skip,
            ),
            page_size,
        )

    @pager
    def iter_tagged_images(
        self,
        project_id: Id,
        /,
        *,
        iteration_id: Id | None = None,
        tag_ids: Iterable[Id] | None = None,
        order_by: str | None = None,
        page_size: int = MAX_TAKE,
    ) -> Pager[Image]:
        """Every tagged image (optionally only those with any of ``tag_ids``), ``page_size`` at a time."""
        tags = None if tag_ids is None else list(tag_ids)
        return by_skip_and_take(
            lambda skip, take: TrainingOperations.get_tagged_images.build(
                self, project_id, iteration_id=iteration_id, tag_ids=tags, order_by=order_by, take=take, skip=skip
            ),
            page_size,
        )

    @pager
    def iter_untagged_images(
        self,
        project_id: Id,
        /,
        *,
        iteration_id: Id | None = None,
        order_by: str | None = None,
        page_size: int = MAX_TAKE,
    ) -> Pager[Image]:
        """Every image with no tag, ``page_size`` at a time."""
        return by_skip_and_take(
            lambda skip, take: TrainingOperations.get_untagged_images.build(
                self, project_id, iteration_id=iteration_id, order_by=order_by, take=take, skip=skip
            ),
            page_size,
        )

    @pager
    def iter_image_performances(
        self,
        project_id: Id,
        iteration_id: Id,
        /,
        *,
        tag_ids: Iterable[Id] | None = None,
        order_by: str | None = None,
        page_size: int = MAX_TAKE,
    ) -> Pager[ImagePerformance]:
        """Every validation image of an iteration with its predictions, ``page_size`` at a time."""
        tags = None if tag_ids is None else list(tag_ids)
        return by_skip_and_take(
            lambda skip, take: TrainingOperations.get_image_performances.build(
                self, project_id, iteration_id, tag_ids=tags, order_by=order_by, take=take, skip=skip
            ),
            page_size,
        )

    @pager
    def iter_predictions(
        self,
        project_id: Id,
        /,
        query: PredictionQueryToken | Mapping[str, Any] | None = None,
        *,
        page_size: int = MAX_TAKE,
    ) -> Pager[StoredImagePrediction]:
        """Every stored prediction matching ``query`` (filters of :meth:`query_predictions`), page by page.

        The pages follow the service's continuation token; ``query.max_count``, if set, is the page size.
        """
        token = coerce_model(models.PredictionQueryToken, query or {}, "query")
        if token.max_count is None:
            token = token.model_copy(update={"max_count": _page_size(page_size)})
        return by_continuation(lambda q: TrainingOperations.query_predictions.build(self, project_id, q), token)

    @pager
    def iter_suggested_images(
        self,
        project_id: Id,
        iteration_id: Id,
        /,
        query: SuggestedTagAndRegionQueryToken | Mapping[str, Any] | None = None,
        *,
        page_size: int = MAX_TAKE,
    ) -> Pager[StoredSuggestedTagAndRegion]:
        """Every untagged image with suggestions matching ``query`` (see :meth:`query_suggested_images`)."""
        token = coerce_model(models.SuggestedTagAndRegionQueryToken, query or {}, "query")
        if token.max_count is None:
            token = token.model_copy(update={"max_count": _page_size(page_size)})
        return by_continuation(
            lambda q: TrainingOperations.query_suggested_images.build(self, project_id, iteration_id, q), token
        )
