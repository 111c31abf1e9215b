"""The embedded broker never lets a worker see a message before it is whole."""

import os

from kombu import Connection

from apps.core import broker


def _connection(folder):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(folder / "control")}
    return Connection("filesystem://", transport="apps.core.broker:Transport", transport_options=options)


def test_a_message_is_renamed_into_place_whole(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def replace(source, target):
        # the moment before the rename: only the partial file exists, whole, under a name the reader skips
        with open(source, "rb") as f:
            seen.append((sorted(os.listdir(tmp_path)), f.read()))
        real_replace(source, target)

    monkeypatch.setattr(broker.os, "replace", replace)
    with _connection(tmp_path) as conn:
        queue = conn.SimpleQueue("jobs")
        queue.put({"task": "demo", "n": 1})
        ((names, content),) = seen
        names = [name for name in names if name != "control"]
        assert len(names) == 1 and not names[0].endswith("jobs.msg") and names[0].endswith(".part")
        assert b'"routing_key": "jobs"' in content and content.endswith(b"}")  # the whole envelope
        assert [name.partition(".")[2] for name in os.listdir(tmp_path) if name != "control"] == ["jobs.msg"]
        assert queue.get(timeout=1).payload == {"task": "demo", "n": 1}
        queue.close()


def test_the_embedded_default_uses_it():
    from kombu.transport import resolve_transport

    import cluster_platform.celery  # noqa: F401  (registers the alias)
    from apps.core.broker import Transport

    assert resolve_transport("filesystem") is Transport
