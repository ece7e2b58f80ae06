"""TLS on the asyncio transport, which transport the async clients choose, and the clients over it end to end."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from customvision_rest import AsyncTrainingClient, RateLimits, Resource
from customvision_rest.clients._asyncio_transport import AsyncioTransport
from customvision_rest.emulator import Emulator

from .servers import Peer, ScriptedServer, keep_alive

ENDPOINT = "https://customvision-emulator.localhost"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made offline with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a self-signed certificate offline (cryptography/trustme absent)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr.decode(errors='replace')[:200]}")
    return cert, key


class TLSServer(ScriptedServer):
    """The scripted server behind TLS, recording the SNI name and the ALPN protocol each client asked for."""

    def __init__(self, cert: Path, key: Path) -> None:
        super().__init__(self._answer)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["h2", "http/1.1"])
        self.names: list[str | None] = []
        self.context.sni_callback = lambda sock, name, ctx: self.names.append(name)  # type: ignore[assignment,return-value]
        self.alpn: list[str | None] = []

    async def __aenter__(self) -> TLSServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _answer(self, peer: Peer) -> None:
        self.alpn.append(peer.writer.get_extra_info("ssl_object").selected_alpn_protocol())
        await keep_alive(peer)


def test_https_with_sni_and_alpn(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate

    async def scenario() -> None:
        trusting = ssl.create_default_context(cafile=str(cert))
        transport = AsyncioTransport(ssl_context=trusting)
        async with TLSServer(cert, key) as server, httpx.AsyncClient(transport=transport) as http:
            url = f"https://localhost:{server.port}"
            assert (await http.post(f"{url}/a", content=b"xyz")).text == "POST /a 3"
            assert (await http.get(f"{url}/b")).text == "GET /b 0"
            assert server.connections == 1
            assert server.names == ["localhost"]
            assert server.alpn == ["http/1.1"]

    asyncio.run(scenario())


def test_https_verifies_certificates_by_default(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate

    async def scenario() -> None:
        async with TLSServer(cert, key) as server, httpx.AsyncClient(transport=AsyncioTransport()) as http:
            with pytest.raises(httpx.ConnectError) as caught:
                await http.get(f"https://localhost:{server.port}/")
            assert isinstance(caught.value.__cause__, ssl.SSLError)

    asyncio.run(scenario())


def test_https_trusts_ssl_cert_file_from_the_environment(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))

    async def scenario() -> None:
        async with TLSServer(cert, key) as server, httpx.AsyncClient(transport=AsyncioTransport()) as http:
            assert (await http.get(f"https://127.0.0.1:{server.port}/ip")).text == "GET /ip 0"
            assert server.names == [None]  # no SNI for an IP address

    asyncio.run(scenario())


# ------------------------------------------------------------------------------------------------ selection


def _transport_of(client: AsyncTrainingClient) -> httpx.AsyncBaseTransport:
    return client._connections()._transport


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxies")
def test_asyncio_gets_the_asyncio_transport() -> None:
    async def scenario() -> httpx.AsyncBaseTransport:
        async with AsyncTrainingClient(ENDPOINT, "key") as client:
            return _transport_of(client)

    assert isinstance(asyncio.run(scenario()), AsyncioTransport)


@pytest.mark.usefixtures("no_proxies")
def test_trio_keeps_httpx_transport() -> None:
    trio = pytest.importorskip("trio")

    async def scenario() -> httpx.AsyncBaseTransport:
        async with AsyncTrainingClient(ENDPOINT, "key") as client:
            return _transport_of(client)

    assert type(trio.run(scenario)) is httpx.AsyncHTTPTransport


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_in_the_environment_keeps_httpx_transport(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "http://proxy.invalid:3128")

    async def scenario() -> httpx.AsyncClient:
        async with AsyncTrainingClient(ENDPOINT, "key") as client:
            return client._connections()

    http = asyncio.run(scenario())
    assert type(http._transport) is httpx.AsyncHTTPTransport
    assert http._mounts, "httpx did not mount the environment's proxy"


@pytest.mark.usefixtures("no_proxies")
def test_a_no_proxy_list_alone_keeps_the_asyncio_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost")

    async def scenario() -> httpx.AsyncBaseTransport:
        async with AsyncTrainingClient(ENDPOINT, "key") as client:
            return _transport_of(client)

    assert isinstance(asyncio.run(scenario()), AsyncioTransport)


def test_a_given_http_client_is_used_as_it_is() -> None:
    async def scenario() -> None:
        given = httpx.AsyncClient()
        async with AsyncTrainingClient(ENDPOINT, "key", http_client=given) as client:
            assert client._connections() is given
            assert type(given._transport) is httpx.AsyncHTTPTransport
        await given.aclose()

    asyncio.run(scenario())


# ------------------------------------------------------------------------------------------------ end to end


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(min_training_seconds=0.2) as emu:
        yield emu


@pytest.mark.usefixtures("no_proxies")
def test_async_client_over_the_emulator_on_loopback(emulator: Emulator) -> None:
    async def scenario(endpoint: str) -> None:
        training = Resource.training(endpoint, emulator.training_resource.key)
        async with AsyncTrainingClient(training, rate_limits=RateLimits.none()) as trainer:
            transport = _transport_of(trainer)
            assert isinstance(transport, AsyncioTransport)
            projects = [await trainer.create_project(f"p{n}") for n in range(3)]
            tags = await asyncio.gather(*(trainer.create_tag(p.id, "t") for p in projects if p.id is not None))
            assert [t.name for t in tags] == ["t"] * 3
            assert len(await trainer.get_projects()) == 3
            for project in projects:
                assert project.id is not None
                await trainer.delete_project(project.id)
            assert await trainer.get_projects() == []
            assert 1 <= len(transport._open) <= 3  # kept alive and reused, not one per call

    with emulator.serve(port=0) as server:
        asyncio.run(scenario(server.endpoint))
