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
    # Notifications to customers (kefu.notify, docs/notifications.md): e-mail over SMTP (off while
    # smtp_host is empty), SMS through a provider (aliyun | demo | none), retries of the outbox.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    sms_provider: str = Field(default="none", pattern="^(aliyun|demo|none)$")
    sms_aliyun_access_key_id: str = ""
    sms_aliyun_access_key_secret: str = ""
    sms_aliyun_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    sms_aliyun_region: str = "cn-hangzhou"
    sms_sign_name: str = ""
    # Provider template code per notification kind, e.g. {"ticket_created": "SMS_123456789"}.
    sms_templates: dict[str, str] = Field(default_factory=dict)
    # Where the demo business system takes SMS (``kefu demo`` sets it to its own URL).
    sms_demo_url: str = ""
    notify_poll_seconds: float = Field(default=2.0, gt=0)
    notify_max_attempts: int = Field(default=6, ge=1)
    notify_backoff_seconds: float = Field(default=30.0, gt=0)
    notify_backoff_max_seconds: float = Field(default=3600.0, gt=0)

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
