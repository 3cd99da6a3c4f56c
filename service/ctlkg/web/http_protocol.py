"""uvicorn's HTTP protocol with our error shape and a bound on headers: a request that does not parse as HTTP
(a malformed method) or whose request line and headers pass 64 KB is refused by the protocol before any route
runs, and gets the same JSON body as every other error instead of uvicorn's plain text. httptools itself sets
no bound on headers (h11 does), so without ours a client could make the server buffer any amount."""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def body(reason: str) -> bytes:
    return json.dumps({
        "status": 400, "error": "Bad Request", "message": f"the request is not valid HTTP ({reason[:200]})",
    }).encode("utf-8")


#: Bytes a request line and its headers may take (h11's default bound).
MAX_HEAD_BYTES = 64 * 1024


class JsonErrorsProtocol(HttpToolsProtocol):
    """httptools (the fast parser of uvicorn[standard]), answering a request it cannot parse in JSON."""

    _in_head = True
    _head_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        """Fed first: a chunk that holds a whole head (and some body) is fine; a head still open after more
        than the bound has arrived is refused. httptools then holds at most one chunk past the bound."""
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self.send_400_response(f"the request line and headers are over {MAX_HEAD_BYTES // 1024} KB")

    def send_400_response(self, msg: str) -> None:
        payload = body(msg)
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(payload)).encode("ascii") + b"\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + payload)
        self.transport.close()
