"""The base settings module read afresh under an environment a test chooses."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import ModuleType

from site_project.settings import base


@contextmanager
def base_settings_reloader(
    monkeypatch, names: Iterable[str]
) -> Iterator[Callable[..., ModuleType]]:
    """``reload(**env)``: the base settings with ``names`` unset but for ``env``.

    Afterwards the environment is restored (``monkeypatch.undo``) before the
    module is read once more, so later tests see the settings of the real run.
    """
    names = tuple(names)

    def reload(**env: str) -> ModuleType:
        for name in names:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base)

    try:
        yield reload
    finally:
        monkeypatch.undo()
        importlib.reload(base)
