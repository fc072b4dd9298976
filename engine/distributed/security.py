"""Who may talk to a search's chief: a per-search token on every call, and TLS when given files.

keras-tuner serves its oracle over plain gRPC to anyone who reaches the port. Here the chief
refuses every call that does not carry the search's token (UNAUTHENTICATED), as an SSH server
refuses an unauthenticated peer, and serves TLS when the user gives a certificate and its key.
Workers add the token to every call's metadata through a channel interceptor, so keras-tuner's
own client code sends it without knowing. No TensorFlow is imported here, and gRPC only when a
search talks (the command line reads the constants and checks files without it).
"""
from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import grpc

TOKEN_ENV = "CH11_TUTOR_SEARCH_TOKEN"
TLS_CERT_ENV, TLS_KEY_ENV = "CH11_TUTOR_TLS_CERT", "CH11_TUTOR_TLS_KEY"
TOKEN_KEY = "ch11-token"  # gRPC metadata keys are lower case
REFUSAL = "this search's token is missing or wrong"


def new_token() -> str:
    """A fresh, unguessable token for one search."""
    return secrets.token_urlsafe(24)


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())  # no timing hint of how much matched


def token_check(token: str, on_refusal: Callable[[str], None] | None = None) -> "grpc.ServerInterceptor":
    """A server interceptor refusing, before any handler runs, every call without the search's token."""
    import grpc

    def refuse(request: Any, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, REFUSAL)

    class TokenCheck(grpc.ServerInterceptor):
        def intercept_service(self, continuation: Callable[[Any], Any], handler_call_details: Any) -> Any:
            given = dict(handler_call_details.invocation_metadata or ()).get(TOKEN_KEY, "")
            if isinstance(given, str) and given and _same(given, token):
                return continuation(handler_call_details)
            if on_refusal is not None:
                on_refusal(handler_call_details.method)
            return grpc.unary_unary_rpc_method_handler(refuse)

    return TokenCheck()


def _send_token(token: str) -> "grpc.UnaryUnaryClientInterceptor":
    """A client interceptor adding the token to the metadata of every unary call."""
    import grpc

    class SendToken(grpc.UnaryUnaryClientInterceptor):
        def intercept_unary_unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
            metadata = [*(details.metadata or ()), (TOKEN_KEY, token)]
            return continuation(details._replace(metadata=metadata), request)

    return SendToken()


def read_pem(path: str, what: str) -> bytes:
    """A PEM file's bytes, or ValueError naming the file."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as error:
        raise ValueError(f"the {what} file {path} cannot be read ({error.strerror})") from None
    if b"-----BEGIN" not in data:
        raise ValueError(f"the {what} file {path} is not a PEM file")
    return data


def add_port(server: "grpc.Server", address: str, cert: str = "", key: str = "") -> int:
    """Bind the chief's port: TLS with the given certificate and key, else plain gRPC."""
    import grpc

    if cert:
        credentials = grpc.ssl_server_credentials([(read_pem(key, "TLS key"), read_pem(cert, "TLS certificate"))])
        return server.add_secure_port(address, credentials)
    return server.add_insecure_port(address)


def open_channel(address: str, token: str, cert: str = "") -> "grpc.Channel":
    """A channel to the chief that sends the token on every call (over TLS when a certificate is given)."""
    import grpc

    if cert:
        channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(read_pem(cert, "TLS certificate")))
    else:
        channel = grpc.insecure_channel(address)
    return grpc.intercept_channel(channel, _send_token(token))


def refused_token(error: Exception) -> bool:
    """Whether a failed call was the chief refusing this process's token."""
    import grpc

    code = getattr(error, "code", None)
    return callable(code) and code() == grpc.StatusCode.UNAUTHENTICATED
