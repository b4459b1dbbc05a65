"""One settings object, read from ``KEFU_*`` environment variables and an optional ``kefu.toml``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

SECRET_FILE = "secret.key"  # noqa: S105 (a file name, not a secret)


class Settings(BaseSettings):
    """Everything configurable about a kefu node.

    Defaults give the embedded set-up: SQLite in ``data_dir`` and the in-process event bus.
    """

    model_config = SettingsConfigDict(env_prefix="KEFU_", toml_file="kefu.toml", extra="ignore")

    data_dir: Path = Path("kefu-data")
    database_url: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    cookie_secure: bool = False
    session_days: int = 7
    max_message_chars: int = Field(default=5000, ge=1)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_ws_frame_bytes: int = Field(default=64 * 1024, ge=1024)
    default_locale: str = "zh-CN"
    bot_enabled: bool = True
    bot_embeddings: bool = True  # fuse dense embeddings when the ``embeddings`` extra is installed
    bot_answer_threshold: float = Field(default=0.6, ge=0, le=1)
    bot_clarify_threshold: float = Field(default=0.25, ge=0, le=1)
    bot_handover_on_request: bool = True
    bot_handover_on_negative: bool = True
    bot_handover_on_vip: bool = True
    bot_handover_on_sensitive: bool = True
    bot_max_failures: int = Field(default=2, ge=0)
    bot_anger_threshold: float = Field(default=2.5, ge=0)
    # How often idle guided flows are looked for and ended (each flow says how long it may sit idle).
    flow_expiry_seconds: float = Field(default=30.0, ge=0)
    log_level: str = "info"
    routing_tick_seconds: float = Field(default=1.0, gt=0)
    # Tickets (docs/tickets.md): how long after resolution a ticket may be reopened; how often the SLA
    # and follow-up sweep runs.
    ticket_reopen_days: int = Field(default=7, ge=0)
    ticket_sweep_seconds: float = Field(default=15.0, gt=0)
    presence_grace_seconds: int = Field(default=60, ge=0)
    # The message path (docs/performance.md): sends in flight before new ones wait, how long they wait
    # before an ``overloaded`` (retryable) answer, and whether sockets compress frames.
    message_max_in_flight: int = Field(default=2000, ge=1)
    message_wait_seconds: float = Field(default=2.0, ge=0)
    ws_per_message_deflate: bool = False
    # The secret kefu and the demo business system (``kefu demo``, docs/demo.md) sign action calls with.
    demo_system_secret: str = "demo-shared-secret"  # noqa: S105 (the demo's published default)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit arguments win, then the environment, then ``kefu.toml``."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def model_post_init(self, context: Any, /) -> None:
        """Fill the derived defaults: the SQLite file and the server secret live in the data folder."""
        self.data_dir = self.data_dir.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'kefu.db'}"
        self.database_url = normalise_database_url(self.database_url)

    @property
    def attachments_dir(self) -> Path:
        """Where uploaded files are kept."""
        return self.data_dir / "attachments"

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite engine."""
        return self.database_url.startswith("sqlite")

    def ensure_data_dir(self) -> None:
        """Create the data folder and load or create the server secret kept in it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.attachments_dir.mkdir(exist_ok=True)
        if not self.secret_key:
            self.secret_key = load_or_create_secret(self.data_dir / SECRET_FILE)


def normalise_database_url(url: str) -> str:
    """Map plain ``postgresql://`` and ``sqlite://`` URLs to the async drivers kefu uses."""
    for plain, async_form in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_form + url[len(plain) :]
    return url


def load_or_create_secret(path: Path) -> str:
    """Read the secret from ``path``; on first start, generate it and keep it readable by the owner only."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret
