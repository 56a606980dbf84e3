"""A loopback TCP server that records every byte it is sent: alone (it answers any HTTP request with 403),
or as a transparent proxy in front of another server. Tests read the HTTP request lines it saw."""

from __future__ import annotations

import re
import socket
import threading

_REQUEST_LINE = re.compile(rb"(?:^|\r\n)([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


class TcpRecorder:
    def __init__(self, upstream: tuple[str, int] | None = None):
        self.upstream = upstream
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._streams: list[bytearray] = []  # one per accepted connection, what the client sent
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._streams)

    def requests(self) -> list[tuple[str, str]]:
        """(method, target) of every HTTP request received so far, in order per connection."""
        with self._lock:
            streams = [bytes(s) for s in self._streams]
        return [(m.decode(), t.decode()) for data in streams for m, t in _REQUEST_LINE.findall(data)]

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            stream = bytearray()
            with self._lock:
                self._streams.append(stream)
                self._sockets.append(client)
            if self.upstream:
                server = socket.create_connection(self.upstream)
                with self._lock:
                    self._sockets.append(server)
                self._spawn(self._pump, client, server, stream)
                self._spawn(self._pump, server, client, None)
            else:
                self._spawn(self._refuse, client, stream)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _record(self, stream: bytearray | None, chunk: bytes) -> None:
        if stream is not None:
            with self._lock:
                stream += chunk

    def _pump(self, source: socket.socket, sink: socket.socket, stream: bytearray | None) -> None:
        try:
            while chunk := source.recv(65536):
                self._record(stream, chunk)  # recorded before it is forwarded: seen by the time it is answered
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _refuse(self, client: socket.socket, stream: bytearray) -> None:
        try:
            while chunk := client.recv(65536):
                self._record(stream, chunk)
                if b"\r\n\r\n" in stream:
                    client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    break
        except OSError:
            pass
        finally:
            client.close()

    def close(self) -> None:
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._server.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for thread in threads:
            thread.join(timeout=30)

    def __enter__(self) -> TcpRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
