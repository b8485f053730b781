"""A small TCP forwarder to the shared Elasticsearch, for outage tests.

Other test runs use the same Elasticsearch at the same time, so it is never
stopped. Instead the code under test talks to Elasticsearch through this
forwarder; ``stop()`` closes the listening socket and every open connection
(new connections are then refused, as with a stopped server) and ``start()``
listens again on the same port.

``delay`` (seconds, changeable while it runs) holds every piece of a reply
from Elasticsearch that long before passing it on: a slow node, for the
timeout drills. Requests go through at once, so the node does the work.

The drill script (bench/drills.py) uses it too: one forwarder for both.
"""

import contextlib
import socket
import threading
import time


class Forwarder:
    def __init__(self, target_host="127.0.0.1", target_port=9200, *, delay=0.0):
        self.target = (target_host, target_port)
        self.delay = delay
        self.requests_forwarded = 0  # pieces of requests passed to the node
        self.port = None
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()

    @classmethod
    def to(cls, url, **options):
        """A forwarder to the node at ``url`` (http://host:port)."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 9200, **options)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(32)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self):
        """Refuse new connections and cut the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b, is_reply in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pipe, args=(a, b, is_reply), daemon=True).start()

    def _pipe(self, source, sink, is_reply=False):
        try:
            while data := source.recv(65536):
                if is_reply and self.delay:
                    time.sleep(self.delay)
                elif not is_reply:
                    self.requests_forwarded += 1
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
