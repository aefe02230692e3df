"""Settings for My Say, read from `MYSAY_*` environment variables and a `.env` file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from conversations.catalogue import DEFAULT_LOCALE
from conversations.challenge_codes import default_stage_days
from conversations.languages import SUPPORTED

TELEGRAM_API_URL = "https://api.telegram.org/bot"
MAX_REMINDER_DAYS = 60
# How long something is kept: at least one day (or month), at most ten years (a hundred).
KeptDays = Annotated[int, Field(ge=1, le=3650)]
KeptMonths = Annotated[int, Field(ge=1, le=1200)]

# Settings written as "name=number" pairs for the participation report: the `ReportOptions`
# field each fills, the kind of number it holds, and an example for the error message.
REPORT_PAIRS: dict[str, tuple[str, Callable[[str], float], str]] = {
    "report_targets": ("targets", float, "figure=percentage, like in_timescale=95"),
    "challenge_stage_days": ("challenge_stage_days", int, "stage=days, like formal1=20"),
}


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
    telegram_messages_per_second: float = Field(
        default=30,
        ge=0,
        description=(
            "Sends and edits a second for the whole bot (Telegram allows about 30); "
            "0 means no limit, for a local Bot API server or a benchmark."
        ),
    )
    bot_username: str = Field(
        default="",
        description="The bot's @username, for invitation links; asked of Telegram if empty.",
    )
    web_url: str = Field(
        default="",
        description="Public HTTPS address of the web pages (e.g. https://mysay.example.org): "
        "a child's 'Open in your browser' link (<address>/c/<code>) and staff sign-in links "
        "(<address>/staff/...) start with it; with https, cookies are Secure. Empty: no "
        "browser link for children, and staff links point at `mysay web` on this machine.",
    )
    quick_exit_url: str = Field(
        default="https://www.bbc.co.uk/weather",
        description="Where the web chat's quick exit (and the Esc key) goes: a neutral site.",
    )
    out_of_hours_phone: str = Field(
        default="",
        max_length=40,
        description="The local children's services out-of-hours number, shown in the web "
        "chat's 'Help now'.",
    )
    data_key: str = Field(
        default="",
        description="Fernet key(s) for free text, comma-separated, newest first.",
    )
    timezone: str = Field(default="Europe/London", description="IANA time zone of the service.")
    flag_escalate_minutes: int = Field(default=60, ge=1)
    invitation_days: int = Field(default=14, ge=1, le=365)
    webhook_url: str = Field(
        default="",
        description="Public HTTPS URL Telegram posts updates to (`mysay serve` only).",
    )
    webhook_secret: str = Field(
        default="",
        # Telegram's rule for secret_token; it comes back in X-Telegram-Bot-Api-Secret-Token.
        pattern=r"^[A-Za-z0-9_-]{0,256}$",
        description="Secret Telegram sends with every webhook update: 1-256 of A-Za-z0-9_-.",
    )
    listen_host: str = Field(default="127.0.0.1", description="Address `mysay serve` binds.")
    listen_port: int = Field(default=8080, ge=0, le=65535, description="Port `mysay serve` binds.")
    web_host: str = Field(default="127.0.0.1", description="Address `mysay web` binds.")
    web_port: int = Field(default=8081, ge=0, le=65535, description="Port `mysay web` binds.")
    keep_processed_updates_days: Annotated[int, Field(ge=1, le=365)] = Field(
        default=3,
        description="Days to remember handled update ids (Telegram resends within a day).",
    )
    keep_sent_messages_days: KeptDays = Field(
        default=30, description="Days to keep delivered outbox messages."
    )
    keep_expired_invitations_days: KeptDays = Field(
        default=30, description="Days to keep unused invitations after expiry."
    )
    # Retention (`mysay retention run`, and daily in the bot): months after a child's last
    # meeting. Flags and the audit log are the service's own records and are kept longer.
    keep_answers_months: KeptMonths = Field(
        default=24,
        description="Months to keep answers, runs and notes after the child's last meeting.",
    )
    keep_flags_months: KeptMonths = Field(
        default=72,
        description="Months to keep closed safeguarding flags after the child's last meeting.",
    )
    keep_audit_months: KeptMonths = Field(default=72, description="Months to keep audit events.")
    # Three years: the annual report of a year and its year-before column stay whole when the
    # report is made up to a year after the period ends.
    keep_episodes_months: KeptMonths = Field(
        default=36,
        description="Months to keep a child's periods in care, plans, IRO allocations and "
        "challenges after the child's last meeting and the last of them ended or was resolved.",
    )
    report_year_start_month: int = Field(
        default=4,
        ge=1,
        le=12,
        description="Month (1-12) the service's reporting year starts; 4 is April, "
        "the financial year. The participation report's quarters count from it.",
    )
    # NoDecode: operators write "10,3", not the JSON list pydantic-settings expects by default.
    report_targets: Annotated[dict[str, float], NoDecode] = Field(
        default_factory=dict,
        description="The service's targets, drawn on the participation report's charts: "
        "figure=percentage pairs separated by commas, like in_timescale=95,attended=80.",
    )
    challenge_stage_days: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=default_stage_days,
        description="The local timescale for resolving an IRO's challenge, in days per stage: "
        "stage=days pairs separated by commas, like informal=20,formal1=20,formal2=20,formal3=20.",
    )
    reminder_days: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(10, 3),
        description="Days before a review when children and families get a reminder.",
    )
    languages: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(DEFAULT_LOCALE,),
        description="Languages offered to children and families, separated by commas, like "
        "en,cy. English is always offered; list another once a fluent speaker has reviewed "
        f"its translation. Known: {', '.join(SUPPORTED)}.",
    )

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

    @field_validator("keep_flags_months", "keep_audit_months", "keep_episodes_months")
    @classmethod
    def _kept_as_long_as_answers(cls, value: int, info: ValidationInfo) -> int:
        """Refuse keeping flags, audit or a child's history shorter than answers: a typo must
        not lose them early."""
        answers = info.data.get("keep_answers_months")
        if answers is not None and value < answers:
            raise ValueError(
                f"must be at least MYSAY_KEEP_ANSWERS_MONTHS ({answers}): the service's "
                "records of what was done are kept at least as long as the answers"
            )
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _day_offsets(cls, value: Any) -> tuple[int, ...]:
        """Read "10,3" (or a sequence of ints) as distinct whole days, largest first."""
        if isinstance(value, str):
            parts = value.split(",")
        elif isinstance(value, list | tuple):
            parts = list(value)
        else:
            parts = [value]
        try:
            days = [int(str(part).strip()) for part in parts if str(part).strip()]
        except ValueError:
            raise ValueError(
                f"expected whole numbers of days separated by commas, like 10,3; got {value!r}"
            ) from None
        if not days:
            raise ValueError("give at least one number of days, like 10,3")
        if any(not 1 <= day <= MAX_REMINDER_DAYS for day in days):
            raise ValueError(f"each number of days must be from 1 to {MAX_REMINDER_DAYS}")
        if len(set(days)) != len(days):
            raise ValueError(f"a number of days is repeated in {value!r}")
        return tuple(sorted(days, reverse=True))

    @field_validator("languages", mode="before")
    @classmethod
    def _offered_languages(cls, value: Any) -> tuple[str, ...]:
        """Read "en,cy,pl" as the languages offered, English first and always there."""
        parts = value.split(",") if isinstance(value, str) else list(value)
        codes = [str(part).strip().lower() for part in parts if str(part).strip()]
        unknown = [code for code in codes if code not in SUPPORTED]
        if unknown:
            raise ValueError(
                f"unknown language {', '.join(unknown)}; known: {', '.join(SUPPORTED)}"
            )
        return tuple(code for code in SUPPORTED if code in {DEFAULT_LOCALE, *codes})

    @field_validator(*REPORT_PAIRS, mode="before")
    @classmethod
    def _report_pairs(cls, value: Any, info: ValidationInfo) -> dict[str, float]:
        """Read "in_timescale=95,attended=80" (or "informal=20,formal1=20,...") as names and
        numbers, checked by the report's own rules (known names, numbers in range) now rather
        than at report time."""
        if not isinstance(value, str):
            return dict(value)
        assert info.field_name is not None  # always named for a field validator
        # Imported only when the setting is given: the report's model brings the report's
        # queries with it, which only the report's own command and pages need.
        from feedback_reports.participation_model import ReportOptions

        option, number, example = REPORT_PAIRS[info.field_name]
        pairs = _named_numbers(value, number, example)
        checked: dict[str, float] = getattr(ReportOptions.model_validate({option: pairs}), option)
        return checked

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("webhook_url", "web_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        # Telegram itself accepts only https; plain http is for a local emulator.
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute URL such as https://mysay.example.org/telegram")
        return value

    @property
    def workspace_url(self) -> str:
        """Where staff sign-in links point: the public address, else `mysay web` here."""
        return self.web_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'mysay.db'}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


Number = TypeVar("Number", int, float)


def _named_numbers(text: str, number: Callable[[str], Number], example: str) -> dict[str, Number]:
    """Read "name=number" pairs separated by commas; refuse one that is not, with `example`."""
    found: dict[str, Number] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        name, equals, value = pair.partition("=")
        try:
            found[name.strip()] = number(value)
        except ValueError:
            equals = ""
        if not equals:
            raise ValueError(f"expected {example}; got {pair!r}")
    return found


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
