"""Save and load networks as JSON: plain data, never pickle, so a model file cannot run code.

The file holds ``format``, ``version``, ``sizes``, ``activation``, ``output_activation``,
``bias``, ``weights`` (W⁽¹⁾, W⁽²⁾, … as lists of rows) and ``biases`` (b⁽²⁾, b⁽³⁾, …; empty
lists when ``bias`` is false). ``write`` (``net.save``) writes a temporary file beside the target
and renames it over the target, so a crash leaves either the old file or the new one, never half
of one. ``read`` (``Network.load``) checks every field before anything is built.

A new file gets the usual permissions (0o666 minus the umask); an existing file keeps its own.
When ``path`` is a symbolic link, the file it points to is replaced and the link is kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from typing import Any

from autograd.numbers import describe

from .activations import check_activation
from .validate import Matrix, check_parameters, check_sizes

__all__ = ["FORMAT", "VERSION", "read", "to_dict", "write"]

FORMAT = "backprop-demystified/nn.Network"
VERSION = 1
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
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    with open(path, "rb") as f:
        raw = f.read()
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
