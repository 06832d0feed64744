"""save/load: exact round trip, plain JSON, atomic writes, and every kind of bad file."""

from __future__ import annotations

import json
import math
import os
import re
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
import nn.io
from nn.io import FORMAT, VERSION

X = [0.5, -0.2, 0.1]


def saved(tmp_path: Path, net: nn.Network | None = None) -> tuple[Path, dict[str, Any]]:
    net = net or nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    path = tmp_path / "net.json"
    net.save(path)
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "net",
    [
        nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0),
        nn.Network([3, 5, 4, 2], activation="tanh", output_activation="linear", seed=1),
        nn.Network([3, 1], activation="relu", bias=True, seed=2),
    ],
)
def test_round_trip_is_exact(tmp_path: Path, net: nn.Network) -> None:
    path = tmp_path / "model.json"
    net.save(path)
    back = nn.Network.load(path)
    assert isinstance(back, nn.Network)
    assert back.sizes == net.sizes
    assert (back.activation, back.output_activation, back.bias) == (
        net.activation,
        net.output_activation,
        net.bias,
    )
    assert back.weight_matrices() == net.weight_matrices()
    assert back.bias_vectors() == net.bias_vectors()
    assert [v.data for v in back(X)] == [v.data for v in net(X)]
    assert back.weights[0][0][1].label == "w₁₂⁽¹⁾"
    assert nn.Network.load(str(path)).weight_matrices() == net.weight_matrices()


def test_file_is_plain_json_with_format_and_version(tmp_path: Path) -> None:
    net = nn.Network([3, 2, 2], bias=False, seed=0)
    _, data = saved(tmp_path, net)
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["sizes"] == [3, 2, 2]
    assert data["activation"] == "sigmoid" and data["bias"] is False
    assert data["weights"] == net.weight_matrices()
    assert data["biases"] == [[], []]
    assert os.listdir(tmp_path) == ["net.json"]  # no temporary file left behind


def test_save_replaces_atomically_and_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = saved(tmp_path)
    old = path.read_bytes()

    def crash(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.Network([3, 4, 2], seed=9).save(path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["net.json"]


def test_a_weight_never_becomes_non_finite_so_every_save_loads(tmp_path: Path) -> None:
    net = nn.Network([3, 2, 2], seed=0)
    with pytest.raises(ValueError, match="finite"):
        net.weights[1][0][1].data = float("nan")
    net.save(tmp_path / "net.json")
    assert nn.Network.load(tmp_path / "net.json").weight_matrices() == net.weight_matrices()


def test_save_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"folder .*missing does not exist"):
        nn.Network([3, 2], seed=0).save(tmp_path / "missing" / "net.json")


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.json"):
        nn.Network.load(tmp_path / "nope.json")


def test_load_truncated_file_at_every_length(tmp_path: Path) -> None:
    path, _ = saved(tmp_path)
    text = path.read_text(encoding="utf-8").rstrip()
    cut = tmp_path / "cut.json"
    for n in range(0, len(text), 7):
        cut.write_text(text[:n], encoding="utf-8")
        with pytest.raises(ValueError, match=r"cut\.json: malformed JSON"):
            nn.Network.load(cut)


def test_load_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"
    path.write_bytes(b"\x80\x81\x82")
    with pytest.raises(ValueError, match=r"bin.json: not a network file \(not UTF-8"):
        nn.Network.load(path)


def edit(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for k, v in change.items():
        if v is DELETE:
            del out[k]
        else:
            out[k] = v
    return out


DELETE = object()
W_OK = [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0]]]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"format": "pickle"}, "not a network file: format is str 'pickle'"),
        ({"version": 2}, "version 2 is not supported"),
        ({"version": "1"}, "version must be an integer, got str"),
        ({"version": DELETE}, "missing field.* version"),
        ({"weights": DELETE}, "missing field.* weights"),
        ({"version": DELETE, "bias": DELETE}, r"missing field\(s\) version, bias$"),
        ({"extra": 1}, "unknown field.* 'extra'"),
        ({"more": 2, "extra": 1}, r"unknown field\(s\) 'extra', 'more'$"),
        ({"sizes": [3, 0, 2]}, r"sizes\[1\] must be a positive integer, got 0"),
        ({"sizes": [3, 2, 3]}, r"layer sizes \[3, 2, 2\], but sizes is \[3, 2, 3\]"),
        ({"sizes": [3, 2]}, "bias is false, so biases must be 1 empty lists"),
        ({"activation": "softmax"}, "unknown activation 'softmax'"),
        ({"output_activation": 3}, "output_activation must be one of"),
        ({"bias": "no"}, "bias must be true or false, got str"),
        ({"bias": True}, r"biases\[0\] \(b⁽²⁾\) must have 2 entries"),
        ({"biases": [[0.0, 0.0], []]}, r"must be 2 empty lists, got list \[\[0\.0, 0\.0\], \[\]\]"),
        ({"weights": [[[0.1, 0.2], [0.4, 0.5]], W_OK[1]]}, r"layer sizes \[2, 2, 2\]"),
        ({"weights": [W_OK[0], [[0.7], [0.9]]]}, r"row 0 must have 2 entries"),
        (
            {"weights": [W_OK[0], [[0.7, "x"], [0.9, 1.0]]]},
            r"weights\[1\]\[0\]\[1\] must be a real",
        ),
        ({"weights": [W_OK[0], [[0.7, True], [0.9, 1.0]]]}, r"weights\[1\]\[0\]\[1\] .* got bool"),
        ({"weights": {"W1": 1}}, "weights must be a non-empty list .*, got dict"),
    ],
)
def test_load_refuses_bad_fields(tmp_path: Path, change: dict[str, Any], match: str) -> None:
    _, data = saved(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(edit(data, change)), encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        nn.Network.load(bad)
    assert str(info.value).startswith(str(bad))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2, 3]", "expected a JSON object describing a network, got list"),
        ("null", "expected a JSON object"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_load_refuses_bad_documents(tmp_path: Path, text: str, match: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        nn.Network.load(bad)


def test_load_refuses_nan_and_infinity_constants(tmp_path: Path) -> None:
    path, _ = saved(tmp_path)
    text = path.read_text(encoding="utf-8")
    first = json.dumps(json.loads(text)["weights"][0][0][0])
    for constant in ("NaN", "Infinity", "-Infinity"):
        path.write_text(text.replace(first, constant, 1), encoding="utf-8")
        with pytest.raises(ValueError, match=f"{constant} is not a valid weight"):
            nn.Network.load(path)
    path.write_text(text.replace(first, "-1e400", 1), encoding="utf-8")  # overflows to -inf
    with pytest.raises(
        ValueError, match=r"weights\[0\]\[0\]\[0\] must be a finite number, got -inf"
    ):
        nn.Network.load(path)


def test_load_builds_nothing_from_a_bad_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, data = saved(tmp_path)
    data["weights"][1][1][1] = "oops"  # the very last entry
    path.write_text(json.dumps(data), encoding="utf-8")
    built: list[Any] = []
    original = nn.Network._assemble

    def spy(self: nn.Network, *args: Any) -> None:
        built.append(self)
        original(self, *args)

    monkeypatch.setattr(nn.Network, "_assemble", spy)
    with pytest.raises(ValueError):
        nn.Network.load(path)
    assert built == []


def test_load_of_a_file_without_output_activation_uses_activation(tmp_path: Path) -> None:
    w = [[[1.0, -2.0]], [[3.0]]]
    net = nn.Network.from_weights(w, activation="tanh")
    path, data = saved(tmp_path, net)
    del data["output_activation"]  # optional: files may leave it out
    path.write_text(json.dumps(data), encoding="utf-8")
    back = nn.Network.load(path)
    assert (back.activation, back.output_activation) == ("tanh", "tanh")
    assert back([0.5, 0.5])[0].data == pytest.approx(math.tanh(3.0 * math.tanh(-0.5)), abs=1e-15)


def test_load_refuses_an_integer_too_large_for_a_float(tmp_path: Path) -> None:
    path, data = saved(tmp_path)
    text = json.dumps(data).replace(json.dumps(data["weights"][0][0][0]), "1" + "0" * 400, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"weights\[0\]\[0\]\[0\] is too large for a float") as e:
        nn.Network.load(path)
    assert str(e.value).startswith(str(path))


@pytest.mark.skipif(os.name != "posix", reason="permission bits and umask are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_file_mode_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        nn.Network([3, 2], seed=0).save(tmp_path / "net.json")
        assert os.umask(umask) == umask  # save read the umask and left it as it was
    finally:
        os.umask(old)
    assert (tmp_path / "net.json").stat().st_mode & 0o777 == mode


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path, _ = saved(tmp_path)
    path.chmod(0o640)
    nn.Network([3, 2], seed=1).save(path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert nn.Network.load(path).sizes == [3, 2]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_save_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    target = tmp_path / "models" / "real.json"
    link = tmp_path / "latest.json"
    link.symlink_to(target)  # dangling at first: the first save creates the target
    for seed in (0, 1):
        net = nn.Network([3, 2], seed=seed)
        net.save(link)
        assert link.is_symlink() and os.readlink(link) == str(target)
        assert nn.Network.load(target).weight_matrices() == net.weight_matrices()
    assert sorted(os.listdir(tmp_path)) == ["latest.json", "models"]
    assert os.listdir(tmp_path / "models") == ["real.json"]


def test_save_checks_without_building_a_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = nn.Network([3, 2, 2], seed=0)
    built: list[Any] = []
    monkeypatch.setattr(nn.Network, "_assemble", lambda self, *args: built.append(self))
    net.save(tmp_path / "net.json")
    assert built == []
    assert json.loads((tmp_path / "net.json").read_text())["weights"] == net.weight_matrices()


def test_load_builds_the_class_it_is_called_on(tmp_path: Path) -> None:
    class Mine(nn.Network):
        pass

    path, _ = saved(tmp_path)
    assert type(Mine.load(path)) is Mine
    assert type(nn.Network.load(path)) is nn.Network


# -- only regular files, never blocking, never too large ------------------------------------------


def special_files(folder: Path) -> dict[str, Path]:
    """A FIFO, a socket and (where the tests may make one) a character device, by kind."""
    found = {}
    os.mkfifo(folder / "fifo")
    found["FIFO"] = folder / "fifo"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock"))
    found["socket"] = folder / "sock"
    try:
        os.mknod(folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # as /dev/null
        found["character device"] = folder / "null"
    except PermissionError:  # not root: the other kinds still run
        pass
    return found


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # a socket path must be short
        yield Path(folder)


def test_save_writes_only_to_a_regular_file_or_a_new_path(short_tmp: Path) -> None:
    net = nn.Network([3, 2, 2], seed=0)
    files = special_files(short_tmp)
    for kind, path in files.items():
        before = os.lstat(path)
        with pytest.raises(FileExistsError, match=f"{re.escape(str(path))}: it is a {kind}"):
            net.save(path)
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), kind
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        net.save(short_tmp)
    assert sorted(os.listdir(short_tmp)) == sorted(p.name for p in files.values())  # no temp


def loading(path: Path) -> tuple[threading.Thread, list[BaseException]]:
    """``Network.load(path)`` in a thread, given 10 s: the thread (alive if load blocked) and
    what load raised."""
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            nn.Network.load(path)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=10)
    return worker, outcome


def test_load_reads_only_regular_files_and_never_blocks(short_tmp: Path) -> None:
    for kind, path in special_files(short_tmp).items():
        worker, outcome = loading(path)
        assert not worker.is_alive(), f"load blocked on a {kind}"
        assert isinstance(outcome[0], ValueError) and f"it is a {kind}" in str(outcome[0])
    with pytest.raises(ValueError, match="/dev/zero: not a network file: it is a character"):
        nn.Network.load("/dev/zero")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        nn.Network.load(short_tmp)


def test_load_refuses_a_file_larger_than_the_cap(tmp_path: Path) -> None:
    from nn.io import MAX_BYTES

    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ValueError, match=r"huge\.json: .*larger than 64 MiB"):
        nn.Network.load(path)


def test_a_fifo_made_at_the_path_during_a_save_is_refused_and_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "net.json"
    real_chmod = os.chmod

    def chmod_then_fifo(target: Any, mode: int) -> None:  # after the first check, before rename
        real_chmod(target, mode)
        os.mkfifo(path)

    monkeypatch.setattr(os, "chmod", chmod_then_fifo)
    refused = rf"^cannot save to {re.escape(str(path))}: it is a FIFO"
    with pytest.raises(FileExistsError, match=refused):
        nn.Network([2, 1], seed=0).save(path)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)  # not replaced
    assert os.listdir(tmp_path) == ["net.json"]  # and no temporary file left


def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = saved(tmp_path)
    real_stat = os.stat

    def stat_then_swap(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(target, *args, **kwargs)
        if os.fspath(target) == str(path) and stat.S_ISREG(info.st_mode):
            os.unlink(path)  # a regular file when looked at, a FIFO when opened
            os.mkfifo(path)
        return info

    monkeypatch.setattr(os, "stat", stat_then_swap)
    worker, outcome = loading(path)
    blocked = worker.is_alive()
    if blocked:  # a writer lets the open return, so the thread ends
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join()
    assert not blocked, "load blocked opening a FIFO"
    assert isinstance(outcome[0], ValueError)
    assert str(outcome[0]).startswith(f"{path}: not a network file: it is a FIFO")


FAKE_O_BINARY = 0x4000_0000  # a flag Linux does not define, standing in for Windows' O_BINARY


def test_without_o_nonblock_load_opens_the_file_read_only_and_binary_as_on_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, data = saved(tmp_path)
    monkeypatch.delattr(os, "O_NONBLOCK")
    monkeypatch.setattr(os, "O_BINARY", FAKE_O_BINARY, raising=False)
    flags: list[int] = []
    real_open = os.open

    def spy(target: Any, flag: int, *args: Any, **kwargs: Any) -> int:
        flags.append(flag)
        return real_open(target, flag & ~FAKE_O_BINARY, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    assert nn.Network.load(path).weight_matrices() == data["weights"]
    assert flags == [os.O_RDONLY | FAKE_O_BINARY]  # no CRLF translation on Windows


def test_a_file_of_exactly_max_bytes_loads_and_one_byte_more_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, data = saved(tmp_path)
    # two chunks (1 MiB of leading blanks, then the JSON), ending with "}": every byte counts
    text = b" " * 2**20 + json.dumps(data).encode()
    path.write_bytes(text)
    monkeypatch.setattr(nn.io, "MAX_BYTES", len(text))
    assert nn.Network.load(path).weight_matrices() == data["weights"]
    path.write_bytes(text + b" ")  # still valid JSON
    with pytest.raises(ValueError, match=r"net\.json: not a network file: larger than"):
        nn.Network.load(path)


def test_a_file_that_grows_past_the_cap_while_read_is_refused_reading_one_byte_past_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap = 2**20 + 10  # read in 1 MiB chunks: a second chunk crosses the cap
    path, data = saved(tmp_path)
    text = json.dumps(data).encode()
    path.write_bytes(text.ljust(2**20))  # under the cap when its size is checked
    real_fstat, real_read = os.fstat, os.read

    def fstat_then_grow(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        with open(path, "ab") as f:
            f.write(b" " * (cap + 100 - 2**20))  # JSON still valid, but too large now
        return info

    read: list[int] = []

    def counting_read(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(nn.io, "MAX_BYTES", cap)
    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    monkeypatch.setattr(os, "read", counting_read)
    with pytest.raises(ValueError, match="larger than"):
        nn.Network.load(path)
    monkeypatch.undo()
    assert sum(read) == cap + 1  # enough to know, and no more held in memory


# -- fuzzing ---------------------------------------------------------------------------------------

VALID = json.dumps(
    nn.io.to_dict(nn.Network([2, 2, 1], activation="tanh", seed=4)), indent=1
).encode()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["flip", "insert", "delete", "cut"]),
            st.integers(0, 10**6),
            st.binary(min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_load_of_a_mutated_file_is_refused_or_reads_what_it_says(tmp_path: Path, edits) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(VALID)
    for kind, at, chunk in edits:
        at %= len(data) + 1
        if kind == "flip" and at < len(data):
            data[at] ^= chunk[0] or 1
        elif kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + len(chunk)]
        else:
            del data[at:]
    path = tmp_path / "mutated.json"
    path.write_bytes(bytes(data))
    try:
        net = nn.Network.load(path)
    except ValueError:
        return  # refused, with the one error type load documents
    said = json.loads(bytes(data))
    again = nn.io.to_dict(net)
    for key in ("sizes", "activation", "bias"):
        assert again[key] == said[key]
    assert again["output_activation"] == said.get("output_activation", said["activation"])
    assert again["weights"] == [[[float(w) for w in row] for row in m] for m in said["weights"]]


def test_weights_set_from_numpy_numbers_save_as_plain_floats(tmp_path: Path) -> None:
    import numpy as np

    net = nn.Network([3, 2, 2], seed=0)
    net.weights[0][0][0].data = np.float32(0.1)  # type: ignore[assignment]
    net.weights[0][0][1].data = np.int64(2)  # type: ignore[assignment]
    assert type(net.weights[0][0][0].data) is float
    assert type(net([0.5, -0.2, 0.1])[0].data) is float  # the graph computes in float64
    net.save(tmp_path / "net.json")
    loaded = nn.Network.load(tmp_path / "net.json").weight_matrices()
    assert loaded[0][0][:2] == [float(np.float32(0.1)), 2.0]


def test_the_whole_file_of_a_small_network(tmp_path: Path) -> None:
    # the format is part of the contract: one space per level of indent, no NaN or Infinity
    net = nn.Network.from_weights([[[0.5, -1.0]]], activation="tanh", biases=[[0.25]])
    net.save(tmp_path / "w.json")
    expected = {
        "format": "backprop-demystified/nn.Network",
        "version": 1,
        "sizes": [2, 1],
        "activation": "tanh",
        "output_activation": "tanh",
        "bias": True,
        "weights": [[[0.5, -1.0]]],
        "biases": [[0.25]],
    }
    text = (tmp_path / "w.json").read_bytes().decode("utf-8")
    assert text == json.dumps(expected, indent=1) + "\n"
    assert text.startswith('{\n "format": "backprop-demystified/nn.Network",\n "version": 1,')


def test_save_writes_a_hidden_temporary_file_beside_the_target_then_renames_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        renames.append((src, dst))
        assert Path(src).read_text(encoding="utf-8").endswith("}\n")  # complete before renaming
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    nn.Network([2, 1], seed=0).save(tmp_path / "w.json")
    ((src, dst),) = renames
    assert dst == str(tmp_path / "w.json") and Path(src).parent == tmp_path
    assert Path(src).name.startswith(".w.json.") and src.endswith(".tmp")


def test_what_is_there_is_named() -> None:
    from nn.io import _what_is

    assert _what_is(stat.S_IFBLK) == "a block device" and _what_is(stat.S_IFCHR) == (
        "a character device"
    )
    assert _what_is(0) == "not a regular file"  # a kind this platform has no name for


def test_save_names_what_it_would_not_replace(short_tmp: Path) -> None:
    os.mkfifo(short_tmp / "fifo")
    with pytest.raises(FileExistsError, match=r"^cannot save to .*fifo: it is a FIFO"):
        nn.Network([2, 1], seed=0).save(short_tmp / "fifo")


def test_a_failed_cleanup_does_not_hide_why_the_save_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any) -> None:
        raise OSError("disk full")

    def cannot_unlink(*args: Any) -> None:
        raise PermissionError("read-only folder")

    monkeypatch.setattr(os, "replace", crash)
    monkeypatch.setattr(os, "unlink", cannot_unlink)
    with pytest.raises(OSError, match="disk full"):
        nn.Network([2, 1], seed=0).save(tmp_path / "w.json")
