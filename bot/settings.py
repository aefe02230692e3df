"""Settings for My Say, read from `MYSAY_*` environment variables and a `.env` file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org/bot"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and says how to fix it."""


class Settings(BaseSettings):
    """Everything My Say reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="MYSAY_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"), description="Folder for the embedded SQLite file and key file."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy async URL; empty means a SQLite file in the data folder.",
    )
    telegram_token: str = Field(default="", description="Bot token from @BotFather.")
    telegram_api_url: str = Field(
        default=TELEGRAM_API_URL, description="Bot API base URL, ending in /bot."
    )
    bot_username: str = Field(
        default="",
        description="The bot's @username, for invitation links; asked of Telegram if empty.",
    )
    data_key: str = Field(
        default="",
        description="Fernet key(s) for free text, comma-separated, newest first.",
    )
    timezone: str = Field(default="Europe/London", description="IANA time zone of the service.")
    flag_escalate_minutes: int = Field(default=60, ge=1)
    invitation_days: int = Field(default=14, ge=1, le=365)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use a name like Europe/London"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'mysay.db'}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings() -> Settings:
    """Read settings, turning validation errors into one readable `SettingsError`."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise SettingsError(
            f"setting MYSAY_{field.upper()} is invalid: {first['msg']}. "
            f"Fix it in the environment or in .env (see .env.example)."
        ) from None
