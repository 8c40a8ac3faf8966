"""Proving "offline fails fast" by counting, not timing: what the code asked the network libraries to do.

``hub_loads`` records every request to load something from the Hub (a ``from_pretrained``
of a name that is not a local folder, a ``load_dataset``, a ``hf_hub_download``) and every
TCP connection attempt to a non-loopback address, while still letting the real call run
(the conftest guard refuses the connection itself). A fast offline failure is one that
leaves this list empty: no download was started, so no timeout or retry could follow.
"""
from __future__ import annotations

import functools
import socket
from pathlib import Path

import pytest


def _is_local(ref) -> bool:
    try:
        return Path(str(ref)).exists()
    except (OSError, ValueError):
        return False


@pytest.fixture
def hub_loads(monkeypatch) -> list[tuple[str, str]]:
    import datasets
    import huggingface_hub
    import transformers

    calls: list[tuple[str, str]] = []

    def spy(owner, name: str, label: str):
        real = getattr(owner, name)

        @functools.wraps(real)
        def wrapper(*args, **kwargs):
            ref = args[0] if args else kwargs.get("pretrained_model_name_or_path", kwargs.get("path", ""))
            if not _is_local(ref):
                calls.append((label, str(ref)))
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    spy(transformers.AutoTokenizer, "from_pretrained", "AutoTokenizer.from_pretrained")
    spy(transformers.AutoModelForSequenceClassification, "from_pretrained", "AutoModel*.from_pretrained")
    spy(datasets, "load_dataset", "datasets.load_dataset")
    spy(huggingface_hub, "hf_hub_download", "hf_hub_download")
    real_connect = socket.create_connection

    def create_connection(address, *args, **kwargs):
        if not str(address[0]).startswith(("127.", "::1", "localhost")):
            calls.append(("connect", f"{address[0]}:{address[1]}"))
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls
