"""A stand-in for the Hugging Face Hub API on 127.0.0.1, recording what it receives.

It plays the endpoints huggingface_hub 2.4 calls for ``whoami``, ``create_repo`` and
``upload_folder``: ``/api/whoami-v2``, ``/api/repos/create``,
``/api/{models|spaces}/{repo}/preupload/{rev}`` (every file answered "regular", so contents
arrive base64-encoded inside the commit and no LFS/xet storage is needed) and
``/api/{models|spaces}/{repo}/commit/{rev}`` (NDJSON). Anything else is recorded and
answered 404 (a HEAD for a file too: "repository not found"), so a test sees an unexpected
call instead of a hang.
"""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class FakeHub:
    url: str
    user: str = "tester"
    requests: list[dict] = field(default_factory=list)   # method, path, headers, body (bytes)
    repos: dict[str, dict] = field(default_factory=dict)  # repo_id -> {"private": bool, "files": {path: bytes}}
    accept_token: str | None = None                        # when set, other tokens get 401

    def files(self, repo_id: str) -> dict[str, bytes]:
        return self.repos[repo_id]["files"]


def _repo_of(path: str) -> tuple[str | None, str | None]:
    """('models'|'spaces'|'datasets', 'owner/name') for /api/<kind>/<owner>/<name>/<action>/..."""
    parts = path.split("/")
    if len(parts) >= 6 and parts[1] == "api" and parts[2] in ("models", "spaces", "datasets"):
        return parts[2], f"{parts[3]}/{parts[4]}"
    return None, None


def _handler(hub: FakeHub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            pass

        def _reply(self, status: int, payload) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _record(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            hub.requests.append({"method": self.command, "path": self.path,
                                 "headers": {k.lower(): v for k, v in self.headers.items()},
                                 "body": body})
            return body

        def _authorized(self) -> bool:
            if hub.accept_token is None:
                return True
            return self.headers.get("Authorization") == f"Bearer {hub.accept_token}"

        def _validate_yaml(self, content: str):
            # The real Hub checks the model card's front matter; a stand-in at least parses it.
            import yaml

            if content.startswith("---"):
                try:
                    meta = yaml.safe_load(content.split("---", 2)[1])
                    if meta is not None and not isinstance(meta, dict):
                        raise yaml.YAMLError("front matter is not a mapping")
                except (yaml.YAMLError, IndexError) as exc:
                    return self._reply(400, {"errors": [{"message": f"Invalid YAML: {exc}"}]})
            return self._reply(200, {"errors": [], "warnings": []})

        def do_GET(self):
            self._record()
            if not self._authorized():
                return self._reply(401, {"error": "Invalid credentials in Authorization header"})
            if self.path.startswith("/api/whoami-v2"):
                return self._reply(200, {"name": hub.user, "type": "user", "auth": {"type": "access_token"}})
            self._reply(404, {"error": f"not played by the stand-in: GET {self.path}"})

        def do_HEAD(self):  # file metadata (hf_hub_download asks this first): nothing is stored here
            self._record()
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.send_header("X-Error-Code", "RepoNotFound")
            self.end_headers()

        def do_POST(self):
            body = self._record()
            if not self._authorized():
                return self._reply(401, {"error": "Invalid credentials in Authorization header"})
            path = self.path.split("?", 1)[0]
            if path == "/api/repos/create":
                data = json.loads(body)
                repo_id = f"{data.get('organization') or hub.user}/{data['name']}"
                prefix = {"space": "spaces/", "dataset": "datasets/"}.get(data.get("type") or "model", "")
                url = f"{hub.url}/{prefix}{repo_id}"
                if repo_id in hub.repos:
                    return self._reply(409, {"error": "You already created this repo", "url": url})
                hub.repos[repo_id] = {"private": data.get("visibility") == "private", "files": {},
                                      "type": data.get("type") or "model", "sdk": data.get("sdk")}
                return self._reply(200, {"url": url, "name": repo_id, "id": repo_id})
            if path == "/api/validate-yaml":
                return self._validate_yaml(json.loads(body)["content"])
            kind, repo_id = _repo_of(path)
            if kind and "/preupload/" in path:
                files = json.loads(body)["files"]
                return self._reply(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
                                                    "oid": None} for f in files]})
            if kind and "/commit/" in path:
                if repo_id not in hub.repos:
                    return self._reply(404, {"error": f"Repository {repo_id} not found"})
                for line in body.splitlines():
                    item = json.loads(line)
                    if item["key"] == "file":
                        value = item["value"]
                        hub.repos[repo_id]["files"][value["path"]] = base64.b64decode(value["content"])
                return self._reply(200, {"commitUrl": f"{hub.url}/{repo_id}/commit/{'a' * 40}",
                                         "commitOid": "a" * 40, "pullRequestUrl": None, "success": True})
            self._reply(404, {"error": f"not played by the stand-in: POST {self.path}"})

    return Handler


@pytest.fixture
def fake_hub(monkeypatch):
    """A running stand-in Hub; HF_ENDPOINT points at it and offline mode is lifted for the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    hub = FakeHub(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    import huggingface_hub.constants as hf_constants

    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    # huggingface_hub reads HF_HUB_OFFLINE once at import; conftest set it before that import.
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
