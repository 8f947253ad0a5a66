"""Registry companies for KYB sessions: international names, per-country registration numbers.

Some registration formats carry separators (`DPC-123`, `HRB 123456`, `552 100 554`):
Didit's KYB search only finds those when typed without them, which the simulator
reproduces by indexing `registration_key` (separators stripped) and matching the raw query.
"""

from __future__ import annotations

import random

from idv_gateway.simulators.didit._names import COMPANY_SECTORS, COMPANY_STEMS, KYB_COUNTRIES
from idv_gateway.simulators.didit._rand import below, one
from idv_gateway.simulators.didit._text import fold, strip_separators
from idv_gateway.simulators.didit.records import Company

__all__ = ["CompanyFactory"]

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class CompanyFactory:
    """Companies drawn from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def company(self) -> Company:
        rng = self.rng
        self.count += 1
        country = one(rng, KYB_COUNTRIES)
        stem = one(rng, COMPANY_STEMS)
        parts = (stem, one(rng, COMPANY_SECTORS), one(rng, country.legal_forms))
        name = " ".join(part for part in parts if part)
        registration = "".join(
            str(below(rng, 0, 10)) if ch == "#" else one(rng, _LETTERS) if ch == "@" else ch
            for ch in country.registration_format
        )
        year = below(rng, 1968, 2025)
        return Company(
            name=name,
            registration_number=registration,
            country_code=country.iso2,
            legal_form=parts[2],
            incorporation_date=f"{year}-{below(rng, 1, 13):02d}-{below(rng, 1, 29):02d}",
            address=f"Business Park {below(rng, 1, 300)}, {country.city}",
            name_key=fold(name),
            registration_key=strip_separators(registration),
        )

    def vendor_data(self, company: Company) -> str:
        """`biz-acme-001`-style identifiers, as in Didit's KYB example."""
        slug = "".join(ch for ch in fold(company.name.split(" ")[0]) if ch.isalnum())
        return f"biz-{slug}-{self.count:03d}"
