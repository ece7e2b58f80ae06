"""The `Emulator`: resources, authentication, throttling, faults and dispatch in front of the service core."""

from __future__ import annotations

import contextlib
import logging
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import httpx

from ._arm import ArmAccount, ResourceManager
from ._errors import INVALID_KEY_MESSAGE, ServiceError, gateway_error, json_response
from ._faults import CallKind, Fault, FaultInjection, FaultPlan, Throttle, throttled_message
from ._images import RESIZED_MAX_SIDE, THUMBNAIL_MAX_SIDE, rendition
from ._latency import ServiceLatency
from ._resources import PREDICTION_KIND, TRAINING_KIND, EmulatorResource
from ._routes import (
    API_PATH,
    PREDICTION_ROUTES,
    PREDICTION_VERSIONS,
    TRAINING_ROUTES,
    TRAINING_VERSIONS,
    Route,
    find_route,
)
from ._service import RequestContext, Service
from ._state import Store

if TYPE_CHECKING:
    from ._server import EmulatorServer

logger = logging.getLogger("customvision_rest.emulator")

DEFAULT_TRAINING_RESOURCE = "emulator-training"
DEFAULT_PREDICTION_RESOURCE = "emulator-prediction"
_KEY_HEADERS = {"training": "training-key", "prediction": "prediction-key"}
_GENERIC_KEY_HEADER = "ocp-apim-subscription-key"


class Emulator:
    """An offline Custom Vision service (Training v3.0-v3.4-preview and Prediction v3.0-v3.1 paths).

    Serve it in-process with `transport()` (for `httpx.Client` and `httpx.AsyncClient`) or over loopback HTTP
    with `serve()`. With `data_dir` its whole state survives restarts; `close()` stops its background work.
    See docs/emulator.md for behaviour and differences from the real service.
    """

    def __init__(
        self,
        training_key: str = "emulator-training-key",
        prediction_key: str = "emulator-prediction-key",
        data_dir: str | Path | None = None,
        min_training_seconds: float = 0.0,
        tier: str = "S0",
        throttle: bool = False,
        faults: FaultInjection | None = None,
        accepted_tokens: Mapping[str, str] | None = None,
        seed: int = 0,
        *,
        latency: ServiceLatency | None = None,
        arm_tokens: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = Store(Path(data_dir) if data_dir is not None else None)
        self._service = Service(self._store, min_training_seconds=min_training_seconds, seed=seed)
        self._throttle = Throttle(clock) if throttle else None
        self._faults = FaultPlan(faults) if faults is not None else None
        self._accepted_tokens = dict(accepted_tokens or {})
        self._second_keys: dict[str, str] = {}  # key2 of accounts made through Resource Manager, by resource name
        self.latency = latency or ServiceLatency()
        self.resource_manager = ResourceManager(
            arm_tokens or {}, register=self._register_account, unregister=self._unregister_account
        )
        self.training_resource = self.add_resource(DEFAULT_TRAINING_RESOURCE, TRAINING_KIND, training_key, tier)
        self.prediction_resource = self.add_resource(DEFAULT_PREDICTION_RESOURCE, PREDICTION_KIND, prediction_key, tier)
        self._resume_background_work()

    def __repr__(self) -> str:
        return f"Emulator(resources={sorted(self._service.resources)}, data_dir={self._store.data_dir!s})"

    def add_resource(self, name: str, kind: str, key: str, tier: str = "S0") -> EmulatorResource:
        """Add an account: kind "CustomVision.Training", "CustomVision.Prediction" or "CognitiveServices"."""
        resource = EmulatorResource(name=name, kind=kind, key=key, tier=tier)
        with self._store.lock:
            if name in self._service.resources:
                raise ValueError(f"a resource named {name!r} already exists")
            self._service.resources[name] = resource
        return resource

    def _register_account(self, account: ArmAccount) -> None:
        """Serve an account Resource Manager made ready (again, after a key was regenerated)."""
        resource = EmulatorResource(
            name=_account_resource_name(account),
            kind=account.kind,
            key=account.key1,
            tier=account.sku,
            arm_id=account.resource_id,
        )
        with self._store.lock:
            self._service.resources[resource.name] = resource
            self._second_keys[resource.name] = account.key2

    def _unregister_account(self, account: ArmAccount) -> None:
        with self._store.lock:
            self._service.resources.pop(_account_resource_name(account), None)
            self._second_keys.pop(_account_resource_name(account), None)

    @property
    def resources(self) -> list[EmulatorResource]:
        """Every resource (account) of this emulator, in the order they were added."""
        with self._store.lock:
            return list(self._service.resources.values())

    def accept_tokens(self, tokens: Mapping[str, str]) -> None:
        """Accept more bearer tokens: token -> name of the resource it authorises."""
        unknown = set(tokens.values()) - set(self._service.resources)
        if unknown:
            raise ValueError(f"no resource named {', '.join(sorted(unknown))}")
        self._accepted_tokens.update(tokens)

    # --- faces -----------------------------------------------------------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """An in-process transport for both `httpx.Client(transport=...)` and `httpx.AsyncClient(transport=...)`."""
        return EmulatorTransport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 5000) -> EmulatorServer:
        """Serve over HTTP on a background thread (`port=0` picks a free port)."""
        from ._server import EmulatorServer

        return EmulatorServer(self, host, port)

    def close(self) -> None:
        """Stop background training/export threads and flush the state to disk."""
        self._service.close()
        with self._store.lock:
            self._store.commit()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the service as a function ---------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request like the service would, after its simulated service time (sleeping this thread);
        raises `httpx.RemoteProtocolError` for a dropped connection."""
        request.read()
        response, delay = self.answer(request)
        if delay > 0:
            time.sleep(delay)
        return response

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        """`handle` for async callers: the work runs on a worker thread and the simulated service time is an
        async sleep, so the caller's event loop (asyncio or trio) keeps running."""
        await request.aread()
        response, delay = await anyio.to_thread.run_sync(self.answer, request)
        if delay > 0:
            await anyio.sleep(delay)
        return response

    def answer(self, request: httpx.Request) -> tuple[httpx.Response, float]:
        """The answer to a request whose body was read, and how long the service would take to give it."""
        request_id = str(uuid.uuid4())
        response, delay = self._answer(request, request_id)
        response.headers["apim-request-id"] = request_id
        return response, delay

    def _answer(self, request: httpx.Request, request_id: str) -> tuple[httpx.Response, float]:
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        path = "/" + raw_path.lstrip("/")  # .NET clients send `//customvision/...`
        if path.startswith("/emulator/"):
            return self._serve_download(request.method, path), 0.0
        if path.lower().startswith("/subscriptions/"):
            base_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
            return self.resource_manager.handle(request, base_url), 0.0
        match = API_PATH.fullmatch(path)
        if match is None:
            return gateway_error(404, "Resource not found"), 0.0
        api, version = match.group("api").lower(), match.group("version").lower()
        versions = TRAINING_VERSIONS if api == "training" else PREDICTION_VERSIONS
        if version not in versions:
            return gateway_error(404, "Resource not found"), 0.0
        fault = self._faults.next_fault() if self._faults is not None else Fault.NONE
        fault_delay = 0.0
        if fault is Fault.DELAY:
            fault_delay = self._faults.settings.delay_seconds if self._faults is not None else 0.0
        elif fault is not Fault.NONE:
            return self._fault_response(fault, request), 0.0
        resource = self._authenticate(request, api)
        if resource is None:
            return gateway_error(401, INVALID_KEY_MESSAGE), fault_delay
        operation_path = match.group("operation") or "/"
        found = find_route(TRAINING_ROUTES if api == "training" else PREDICTION_ROUTES, request.method, operation_path)
        if found is None:
            return gateway_error(404, "Resource not found"), fault_delay
        route, raw_params = found
        if self._throttle is not None:
            kind = _call_kind(api, route.operation_id)
            if not self._throttle.admit(resource.name, resource.tier, kind):
                message = throttled_message(kind, resource.tier, 1)
                return gateway_error(429, message, {"Retry-After": "1"}), fault_delay
        delay = fault_delay + self.latency.for_operation(api, route.operation_id)
        return self._run(route, request, resource, raw_params, version, request_id), delay

    def _run(
        self,
        route: Route,
        request: httpx.Request,
        resource: EmulatorResource,
        raw_params: dict[str, str],
        version: str,
        request_id: str,
    ) -> httpx.Response:
        """Run the operation under the store lock and save the state after a change."""
        params = {name: urllib.parse.unquote(value) for name, value in raw_params.items()}
        params["version"] = version
        url = request.url
        context = RequestContext(request, resource, params, request_id, f"{url.scheme}://{url.netloc.decode()}")
        with self._store.lock if not route.locks_itself else contextlib.nullcontext():
            try:
                response = route.handler(self._service, context)
            except ServiceError as error:
                return error.to_response()
            except Exception:
                logger.exception("emulator: %s failed", route.operation_id)
                with self._store.lock:
                    self._store.rollback()
                return json_response(500, {"code": "ErrorUnknown", "message": "Internal emulator error."})
        with self._store.lock:
            if request.method != "GET" or route.operation_id == "ExportProject":
                try:
                    self._store.commit()
                except OSError:
                    logger.exception("emulator: saving state failed")
                    self._store.rollback()
                    return json_response(500, {"code": "ErrorStorage", "message": "Saving state failed."})
        return response

    def _fault_response(self, fault: Fault, request: httpx.Request) -> httpx.Response:
        settings = self._faults.settings if self._faults is not None else FaultInjection()
        if fault is Fault.THROTTLE:
            seconds = settings.retry_after_seconds
            message = throttled_message(CallKind.TRAINING, "S0", seconds)
            return gateway_error(429, message, {"Retry-After": str(seconds)})
        if fault is Fault.UNAVAILABLE:
            return gateway_error(503, "The service is temporarily unavailable (emulated fault).")
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    def _authenticate(self, request: httpx.Request, api: str) -> EmulatorResource | None:
        key = request.headers.get(_KEY_HEADERS[api]) or request.headers.get(_GENERIC_KEY_HEADER)
        resources = self._service.resources.values()
        candidate: EmulatorResource | None = None
        if key:
            candidate = next((r for r in resources if key in (r.key, self._second_keys.get(r.name))), None)
        else:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token.strip() in self._accepted_tokens:
                candidate = self._service.resources.get(self._accepted_tokens[token.strip()])
        if candidate is None:
            return None
        allowed = candidate.serves_training if api == "training" else candidate.serves_prediction
        return candidate if allowed else None

    def _serve_download(self, method: str, path: str) -> httpx.Response:
        """Key-less downloads, like the service's SAS URLs: images by content hash and export artifacts."""
        parts = path.strip("/").split("/")
        data: bytes | None = None
        content_type = "application/octet-stream"
        if method == "GET" and len(parts) == 4 and parts[1] == "images":
            original = self._store.blobs.get(parts[2]) if len(parts[2]) == 64 else None
            if original is not None and parts[3] == "original":
                data = original
            elif original is not None and parts[3] in ("resized", "thumbnail"):
                data = rendition(original, RESIZED_MAX_SIDE if parts[3] == "resized" else THUMBNAIL_MAX_SIDE)
                content_type = "image/jpeg"
        elif method == "GET" and len(parts) == 3 and parts[1] == "artifacts":
            with self._store.lock:
                artifact = self._store.state.artifacts.get(parts[2])
            if artifact is not None:
                data = self._store.blobs.get(artifact.blob_key)
                content_type = "application/zip"
        if data is None:
            return gateway_error(404, "Resource not found")
        return httpx.Response(200, content=data, headers={"Content-Type": content_type})

    def _resume_background_work(self) -> None:
        """After a restart, finish what a previous process left running (training, exports, imports)."""
        state = self._store.state
        for iteration in list(state.iterations.values()):
            if iteration.status == "Training":
                iteration_id = iteration.id
                self._service.start_background("training", lambda i=iteration_id: self._service.train(i))  # type: ignore[misc]
            for export in list(iteration.exports):
                if export.status == "Exporting":
                    iteration.exports.remove(export)  # the client sees it vanish and may export again
        for project in state.projects.values():
            if project.status == "Importing":
                project.status = "Succeeded"


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The in-process transport of an `Emulator`, for sync and async httpx clients alike."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer on the calling thread."""
        return self._emulator.handle(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer without blocking the event loop."""
        return await self._emulator.handle_async(request)


def _account_resource_name(account: ArmAccount) -> str:
    return f"arm/{account.resource_group}/{account.name}".lower()


def _call_kind(api: str, operation_id: str) -> CallKind:
    if api == "prediction":
        return CallKind.PREDICTION_NOSTORE if operation_id.endswith("NoStore") else CallKind.PREDICTION
    return CallKind.TRAIN if operation_id == "TrainProject" else CallKind.TRAINING
