"""One settings object, layered: defaults -> arshif.toml -> ARSHIF_* environment -> explicit overrides."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

CONFIG_FILE = "arshif.toml"
ENV_PREFIX = "ARSHIF_"


@dataclass(frozen=True)
class Settings:
    """Every tunable of Arshif; code reads these, never os.environ."""

    index_dir: Path = Path("var/index")
    cache_dir: Path = Path("var/cache")
    corpus: tuple[Path, ...] = (Path("corpus"),)
    taxonomy: Path = Path("corpus/taxonomy.toml")
    workers: int = 2
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    per_page: int = 10
    max_per_page: int = 100
    max_page: int = 500
    max_query_chars: int = 500
    max_query_terms: int = 40
    export_cap: int = 5000
    max_file_mb: int = 200
    max_text_chars: int = 20_000_000
    file_timeout_s: float = 120.0
    file_memory_mb: int = 2048
    ocr: bool = True
    default_visibility: str = "public"
    secret_key: str = ""
    users_file: Path = Path("var/users.toml")
    audit_log: Path = Path("var/audit.log")
    secure_cookies: bool = False  # set true behind HTTPS
    signin_attempts: int = 5  # failed sign-ins per user and per address within signin_window_s
    signin_window_s: int = 900
    trust_proxy_auth: bool = False  # SSO: trust user/group headers set by the reverse proxy
    proxy_addresses: tuple[str, ...] = ()  # only requests from these addresses may carry them
    proxy_user_header: str = "X-Remote-User"
    proxy_groups_header: str = "X-Remote-Groups"


def _coerce(name: str, raw: Any) -> Any:
    """Turn a TOML or environment value into the type of field `name`, or say which value is wrong."""
    default = getattr(Settings, name)
    try:
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, tuple):
            items = raw if isinstance(raw, (list, tuple)) else str(raw).replace(",", os.pathsep).split(os.pathsep)
            wrap = Path if name == "corpus" else str
            return tuple(wrap(str(i).strip()) for i in items if str(i).strip())
        if isinstance(default, Path):
            return Path(str(raw))
        return type(default)(raw)
    except (TypeError, ValueError):
        raise ValueError(f"setting {name!r} has an invalid value {raw!r}") from None


def _known(name: str, source: str) -> str:
    """Check that `name` is a setting, naming the valid ones if not."""
    valid = [f.name for f in fields(Settings)]
    if name not in valid:
        raise ValueError(f"unknown setting {name!r} in {source}; valid settings: {', '.join(valid)}")
    return name


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from the layers, later layers winning; overrides of None are ignored."""
    settings = Settings()
    path = Path(config_file) if config_file else Path(CONFIG_FILE)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read config file {path}: {exc}") from None
        section = data.get("arshif", data)
        settings = replace(settings, **{_known(k, str(path)): _coerce(k, v) for k, v in section.items()})
    env = os.environ if environ is None else environ
    from_env = {}
    for key, value in env.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX):].lower()
            if name in {f.name for f in fields(Settings)}:
                from_env[name] = _coerce(name, value)
    settings = replace(settings, **from_env)
    given = {_known(k, "arguments"): _coerce(k, v) for k, v in overrides.items() if v is not None}
    return replace(settings, **given)
