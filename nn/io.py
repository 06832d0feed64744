"""Save and load networks as JSON: plain data, never pickle, so a model file cannot run code.

The file holds ``format``, ``version``, ``sizes``, ``activation``, ``output_activation``,
``bias``, ``weights`` (W⁽¹⁾, W⁽²⁾, … as lists of rows) and ``biases`` (b⁽²⁾, b⁽³⁾, …; empty
lists when ``bias`` is false). ``write`` (``net.save``) writes a temporary file beside the target
and renames it over the target, so a crash leaves either the old file or the new one, never half
of one. ``read`` (``Network.load``) checks every field before anything is built.

A new file gets the usual permissions (0o666 minus the umask); an existing file keeps its own.
When ``path`` is a symbolic link, the file it points to is replaced and the link is kept.
Only regular files are written or read: a folder, FIFO, socket or device at ``path`` is refused
and left untouched, and ``read`` never blocks and refuses a file larger than ``MAX_BYTES``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from typing import Any

from autograd.numbers import describe

from .activations import check_activation
from .validate import Matrix, check_parameters, check_sizes

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "read", "to_dict", "write"]

FORMAT = "backprop-demystified/nn.Network"
VERSION = 1
MAX_BYTES = 64 * 2**20
"""Largest network file ``read`` accepts (64 MiB, about 3 million weights as JSON)."""
_REQUIRED = ("format", "version", "sizes", "activation", "bias", "weights", "biases")
_OPTIONAL = ("output_activation",)


def to_dict(net: Any) -> dict[str, Any]:
    """The JSON-ready description of the nn.Network ``net`` that :func:`write` writes."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(net.sizes),
        "activation": net.activation,
        "output_activation": net.output_activation,
        "bias": net.bias,
        "weights": net.weight_matrices(),
        "biases": net.bias_vectors(),
    }


def write(net: Any, path: str | os.PathLike[str]) -> None:
    """Write the nn.Network ``net`` to ``path`` as JSON, atomically (temporary file +
    ``os.replace``)."""
    path = os.fspath(path)
    data = to_dict(net)
    _check_dict(data)  # write only what load accepts (catches a network edited into a bad shape)
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    target = os.path.realpath(path)  # through symbolic links: replace the file, keep the link
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save {path}: folder {folder} does not exist")
    _refuse_unless_regular(path, target, "save to")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        _refuse_unless_regular(path, target, "save to")  # again: it may have changed meanwhile
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _what_is(mode: int) -> str:
    for test, what in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def _refuse_unless_regular(path: str, target: str, doing: str) -> None:
    """FileExistsError (IsADirectoryError for a folder) if ``target`` exists and is anything but
    a regular file, naming ``path`` and what is there."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return  # a new file
    if stat.S_ISREG(mode):
        return
    kind = IsADirectoryError if stat.S_ISDIR(mode) else FileExistsError
    raise kind(f"cannot {doing} {path}: it is {_what_is(mode)}, not a regular file (left as it is)")


def _umask() -> int:
    """The process's umask (``os.umask`` can only read it by setting it, so set it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read(path: str | os.PathLike[str]) -> tuple[list[Matrix], str, list[list[float]] | None, str]:
    """The checked arguments of ``Network.from_weights`` (weights, activation, biases,
    output_activation) from a file written by :func:`write`, building nothing.

    A missing file raises FileNotFoundError; a file that is not valid JSON, was truncated, or
    does not describe a consistent network raises ValueError naming the file and the problem.
    """
    path = os.fspath(path)
    raw = _read_regular_file(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a network file (not UTF-8 text: {exc})") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: malformed JSON, perhaps truncated ({exc})") from None
    except RecursionError:
        raise ValueError(f"{path}: malformed JSON (nested too deeply)") from None
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    try:
        return _check_dict(data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _read_regular_file(path: str) -> bytes:
    """The bytes of the regular file at ``path`` (at most MAX_BYTES), without ever blocking:
    opened non-blocking, so a FIFO cannot stall the open, and checked before any read."""
    _refuse_to_read(path, os.stat(path).st_mode)  # a socket cannot even be opened
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        _refuse_to_read(path, info.st_mode)  # what was opened may not be what was looked at
        too_large = ValueError(
            f"{path}: not a network file: larger than {MAX_BYTES // 2**20} MiB, the most a "
            "network file may be"
        )
        if info.st_size > MAX_BYTES:
            raise too_large
        chunks, size = [], 0
        while chunk := os.read(fd, min(2**20, MAX_BYTES + 1 - size)):  # it may grow meanwhile
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:
                raise too_large
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refuse_to_read(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = IsADirectoryError if stat.S_ISDIR(mode) else ValueError
        raise kind(f"{path}: not a network file: it is {_what_is(mode)}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid weight (weights must be finite numbers)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _check_dict(data: object) -> tuple[list[Matrix], str, list[list[float]] | None, str]:
    """Check every field of a saved network; return from_weights' arguments, building nothing.

    ``output_activation`` may be absent (files from before it existed): it is then
    ``activation``, as in ``Network(..., output_activation=None)``.
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object describing a network, got {describe(data)}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    unknown = sorted(k for k in data if k not in _REQUIRED and k not in _OPTIONAL)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}")
    if data["format"] != FORMAT:
        raise ValueError(
            f"not a network file: format is {describe(data['format'])}, expected {FORMAT!r}"
        )
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"version must be an integer, got {describe(version)}")
    if version != VERSION:
        raise ValueError(
            f"file format version {version} is not supported (this library reads {VERSION})"
        )
    sizes = check_sizes(data["sizes"])
    activation = check_activation(data["activation"])
    output_activation = check_activation(
        data.get("output_activation", activation), "output_activation"
    )
    bias = data["bias"]
    if not isinstance(bias, bool):
        raise ValueError(f"bias must be true or false, got {describe(bias)}")
    biases = data["biases"]
    n_layers = len(sizes) - 1
    if not bias:
        if not isinstance(biases, list) or biases != [[]] * n_layers:
            raise ValueError(
                f"bias is false, so biases must be {n_layers} empty lists, got {describe(biases)}"
            )
        biases = None
    weights, checked_biases = check_parameters(data["weights"], biases)
    found = [len(weights[0][0])] + [len(m) for m in weights]
    if found != sizes:
        raise ValueError(f"the weight matrices have layer sizes {found}, but sizes is {sizes}")
    return weights, activation, checked_biases, output_activation
