"""The smart `search` parameter, for KYC and KYB rows."""

from __future__ import annotations

import re

import pytest

from idv_gateway.simulators.didit import KybSession, KycSession
from tests.simulators.didit_support import (
    client_for,
    fold_name,
    ids,
    list_all,
    ran,
    shared_app,
    store_of,
)


def kyc() -> list[KycSession]:
    return store_of(shared_app()).kyc


def kyb() -> list[KybSession]:
    return store_of(shared_app()).kyb


async def search(text: str, kind: str = "user") -> list[str]:
    async with client_for(shared_app()) as client:
        return ids(await list_all(client, search=text, session_kind=kind))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def shown_numbers(s: KycSession) -> list[str]:
    if not ran(s, "ID_VERIFICATION"):
        return []
    numbers = [s.document.number, s.document.personal_number or ""]
    return [re.sub(r"[\s.\-/]", "", n).upper() for n in numbers if n]


async def test_full_uuid_finds_exactly_that_session_in_any_case() -> None:
    target = kyc()[17]
    assert await search(target.session_id) == [target.session_id]
    assert await search(target.session_id.upper()) == [target.session_id]


async def test_numeric_search_matches_session_number_prefix_documents_phone_and_vendor() -> None:
    text = "12"

    def hit(s: KycSession) -> bool:
        phone = s.row["phone_number"]
        return (
            str(s.session_number).startswith(text)
            or any(text in n for n in shown_numbers(s))
            or (phone is not None and phone["number"].lstrip("+").startswith(text))
            or text in (s.vendor_data or "").lower()
        )

    expected = [s.session_id for s in kyc() if hit(s)]
    assert any(str(s.session_number).startswith(text) for s in kyc())
    assert await search(text) == expected


async def test_document_numbers_match_without_their_separators() -> None:
    target = next(s for s in kyc() if ran(s, "ID_VERIFICATION") and "." in s.document.number)
    typed = digits(target.document.number)[:8]
    assert target.session_id in await search(typed)
    assert target.session_id in await search(target.document.number)


async def test_phone_prefix_with_plus_and_spaces() -> None:
    target = next(s for s in kyc() if s.row["phone_number"])
    number = target.row["phone_number"]["number"]
    typed = f"{number[:3]} {number[3:7]}"
    assert typed.startswith("+")
    found = await search(typed)
    assert target.session_id in found
    for row_id in found:
        session = next(s for s in kyc() if s.session_id == row_id)
        phone = session.row["phone_number"]
        assert (
            (phone is not None and phone["number"].lstrip("+").startswith(digits(typed)))
            or str(session.session_number).startswith(digits(typed))
            or any(digits(typed) in n for n in shown_numbers(session))
        )


async def test_at_sign_matches_email_prefixes_only() -> None:
    target = next(s for s in kyc() if s.row["email_address"])
    email = target.row["email_address"]["email"]
    prefix = email[: email.index("@") + 2].upper()
    expected = [
        s.session_id
        for s in kyc()
        if s.row["email_address"]
        and s.row["email_address"]["email"].lower().startswith(prefix.lower())
    ]
    assert target.session_id in expected
    assert await search(prefix) == expected
    assert await search("@" + email.split("@")[1]) == []


@pytest.mark.parametrize("transform", [fold_name, str.upper, lambda name: name])
async def test_names_match_accent_insensitively_word_by_word(transform: object) -> None:
    assert callable(transform)
    target = next(
        s
        for s in kyc()
        if s.row["full_name"] and fold_name(s.row["full_name"]) != s.row["full_name"].lower()
    )
    words = target.row["full_name"].split()
    query = transform(f"{words[-1]} {words[0]}")  # word order does not matter
    expected = [
        s.session_id
        for s in kyc()
        if (
            s.row["full_name"]
            and all(fold_name(w) in fold_name(s.row["full_name"]) for w in query.split())
        )
        or fold_name(query) in (s.vendor_data or "").lower()
    ]
    assert target.session_id in expected
    assert await search(query) == expected


async def test_text_matches_vendor_data_substrings() -> None:
    vendor = next(
        s.vendor_data for s in kyc() if s.vendor_data and s.vendor_data.startswith("cust_")
    )
    assert vendor is not None
    found = await search(vendor.upper())
    assert found == [s.session_id for s in kyc() if s.vendor_data and vendor in s.vendor_data]


async def test_free_text_with_digits_also_matches_document_numbers() -> None:
    target = next(s for s in kyc() if ran(s, "ID_VERIFICATION") and s.document.number[0].isalpha())
    assert target.session_id in await search(target.document.number.lower())


async def test_free_text_with_digits_also_matches_session_number_prefixes() -> None:
    target = kyc()[5]
    found = await search(f"#{target.session_number}")
    assert target.session_id in found
    assert all(
        str(s.session_number).startswith(str(target.session_number))
        for s in kyc()
        if s.session_id in found
    )


async def test_search_ignores_unshown_identity() -> None:
    target = next(
        s for s in kyc() if s.status == "Not Started" and not s.expected_details and s.vendor_data
    )
    assert target.row["full_name"] is None
    assert target.session_id not in await search(target.person.full_name)


async def test_kyb_search_by_company_name_accent_insensitively() -> None:
    target = next(
        s
        for s in kyb()
        if ran(s, "KYB_REGISTRY") and fold_name(s.company.name) != s.company.name.lower()
    )
    query = fold_name(target.company.name.split()[0]).upper()
    expected = [
        s.session_id
        for s in kyb()
        if (ran(s, "KYB_REGISTRY") and fold_name(query) in fold_name(s.company.name))
        or query.lower() in (s.vendor_data or "").lower()
    ]
    assert target.session_id in expected
    assert await search(query, "business") == expected


async def test_kyb_registration_numbers_must_be_typed_without_separators() -> None:
    target = next(
        s
        for s in kyb()
        if ran(s, "KYB_REGISTRY") and s.company.registration_number.startswith("DPC-")
    )
    number = target.company.registration_number
    assert target.session_id in await search(number.replace("-", ""), "business")
    assert target.session_id not in await search(number, "business")


async def test_kyb_search_by_session_number_uuid_and_vendor_data() -> None:
    target = kyb()[7]
    assert await search(target.session_id, "business") == [target.session_id]
    prefix = str(target.session_number)
    by_number = await search(prefix, "business")
    assert target.session_id in by_number
    assert all(
        str(s.session_number).startswith(prefix)
        or prefix in s.company.registration_number.replace("-", "").replace(" ", "")
        or prefix in (s.vendor_data or "")
        for s in kyb()
        if s.session_id in by_number
    )
    vendor = next(s.vendor_data for s in kyb() if s.vendor_data)
    assert vendor is not None
    assert await search(vendor, "business") == [
        s.session_id for s in kyb() if s.vendor_data == vendor
    ]
