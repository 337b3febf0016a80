"""Config files parsed once per version.

Hydra reads and parses every file of a composition anew, and parsing YAML is about a fifth of a
composition (PyYAML is pure Python). Here a file's YAML is parsed once per version (its path,
modification time and size); each composition still builds its own config from the parsed
values, as ``OmegaConf.load`` does, so no composition shares a node with another.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import yaml
from hydra._internal.core_plugins import file_config_source
from hydra._internal.sources_registry import SourcesRegistry
from hydra.plugins.config_source import ConfigResult, ConfigSource
from omegaconf import OmegaConf
from omegaconf._utils import get_yaml_loader


@functools.lru_cache(maxsize=256)
def _parsed(path: str, mtime_ns: int, size: int) -> tuple[dict, Any]:
    """A file's header (``# @package ...``) and YAML values; an error is raised, not kept."""
    with open(path, encoding="utf-8") as f:
        header = ConfigSource._get_header_dict(f.read(512))
        f.seek(0)
        return header, yaml.load(f, Loader=get_yaml_loader())  # the file's name in errors


# Named as Hydra's class, which Hydra's plugin scan then leaves registered in its place.
class FileConfigSource(file_config_source.FileConfigSource):
    """Hydra's ``file://`` config source, parsing each version of a file once."""

    def load_config(self, config_path: str) -> ConfigResult:
        name = self._normalize_file_name(config_path)
        full_path = os.path.realpath(os.path.join(self.path, name))
        try:
            stat = os.stat(full_path)
        except OSError:
            return super().load_config(config_path)  # Hydra's own error
        header, values = _parsed(full_path, stat.st_mtime_ns, stat.st_size)
        # as OmegaConf.load builds a config from what it parsed (which it leaves unchanged)
        if values is None:
            cfg = OmegaConf.create()
        elif isinstance(values, str):
            cfg = OmegaConf.create({values: None})
        else:
            cfg = OmegaConf.create(values)
        return ConfigResult(
            config=cfg,
            path=f"{self.scheme()}://{self.path}",
            provider=self.provider,
            header=dict(header),
        )


def install() -> None:
    """Use :class:`FileConfigSource` for ``file://`` configs in this process."""
    SourcesRegistry.instance().types[FileConfigSource.scheme()] = FileConfigSource
