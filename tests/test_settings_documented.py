"""Every setting the gateway reads is documented where users look for it."""

from __future__ import annotations

from pathlib import Path

from idv_gateway.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = (ROOT / "README.md").read_text() + (ROOT / "docs" / "errors.md").read_text()
PER_PROVIDER = (
    "TIMEOUT_SECONDS",
    "RETRY_ATTEMPTS",
    "BREAKER_THRESHOLD",
    "BREAKER_COOLDOWN_SECONDS",
)


def test_every_setting_is_documented() -> None:
    missing = []
    for name in Settings.model_fields:
        variable = f"IDV_GATEWAY_{name.upper()}"
        suffix = name.upper().split("_", 1)[1] if "_" in name else ""
        if variable in DOCUMENTED:
            continue
        if name.upper().startswith(("DIDIT_", "KAYLE_")) and suffix in PER_PROVIDER:
            continue  # documented once, as a per-provider family
        if (
            f"…_{suffix}" in DOCUMENTED
            or f"…_{name.upper().split('UPSTREAM_', 1)[-1]}" in DOCUMENTED
        ):
            continue  # documented as a variant of its neighbour (`…_READ_TIMEOUT_SECONDS`)
        missing.append(variable)
    assert not missing, f"undocumented settings: {missing}"
