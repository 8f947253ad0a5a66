"""Settings from the environment (prefix `IDV_GATEWAY_`). Secrets are `SecretStr`."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]

# Only for the embedded demo: a random secret per process would break cursors across
# workers, and a demo has nothing to protect.
DEMO_CURSOR_SECRET = "idv-gateway-demo-cursor-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDV_GATEWAY_", extra="ignore")

    didit_base_url: str | None = Field(
        default=None, description="Didit API root, e.g. https://verification.didit.me"
    )
    didit_api_key: SecretStr | None = Field(default=None, description="Didit `x-api-key`")
    kayle_base_url: str | None = Field(
        default=None, description="Kayle API root, e.g. https://api.kayle.id"
    )
    kayle_api_key: SecretStr | None = Field(default=None, description="Kayle bearer API key")
    cursor_secret: SecretStr | None = Field(
        default=None, description="HMAC key that signs pagination cursors"
    )

    upstream_timeout_seconds: float = Field(default=5.0, gt=0, description="Per upstream call")
    upstream_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    max_upstream_concurrency: int = Field(default=16, ge=1, description="Per provider")

    upstream_transport: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp", description="Outbound HTTP transport under httpx (see benchmarks)"
    )

    cache_enabled: bool = Field(
        default=True, description="Shared upstream cache and in-flight request coalescing"
    )
    cache_list_ttl_seconds: float = Field(default=5.0, ge=0, description="Reuse of list pages")
    cache_detail_ttl_seconds: float = Field(
        default=15.0, ge=0, description="Reuse of details of sessions that can still change"
    )
    cache_final_detail_ttl_seconds: float = Field(
        default=300.0, ge=0, description="Reuse of details of sessions in a final status"
    )
    cache_max_entries: int = Field(default=10_000, ge=1, description="Entries per worker")

    demo_seed: int = Field(default=7, description="Seed of the embedded demo's data")

    @property
    def demo_mode(self) -> bool:
        """No provider configured: `serve` runs both simulators in-process."""
        return self.didit_base_url is None and self.kayle_base_url is None

    def cursor_key(self) -> bytes:
        if self.cursor_secret is not None:
            return self.cursor_secret.get_secret_value().encode()
        return DEMO_CURSOR_SECRET.encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
