"""CPR numbers: format validation with reason codes, and masking (databeskyttelsesloven § 11)."""

from datetime import date

import pytest

from selvvisitation.domain.cpr import CprError, birth_date, mask_cpr, normalise_cpr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0101451234", "0101451234"),
        ("010145-1234", "0101451234"),
        (" 010145 - 1234 ", "0101451234"),
        ("290200-4321", "2902004321"),  # 2000 was a leap year (7th digit 4 → 2000)
    ],
)
def test_valid_cpr_numbers_are_normalised_to_ten_digits(text, expected):
    assert normalise_cpr(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("12345", "format"),
        ("01014512345", "format"),
        ("0101a51234", "format"),
        ("320145-1234", "date"),
        ("011345-1234", "date"),
        ("290201-1234", "date"),  # 1901 was no leap year
        # ASCII digits only (issue 15, Low 10): other scripts' digits are the same number to
        # int(), so the same person could otherwise be stored twice under two spellings.
        ("٠١٠١٤٥١٢٣٤", "format"),  # Arabic-Indic
        ("۰۱۰۱۴۵-۱۲۳۴", "format"),  # Extended Arabic-Indic (Persian)
        ("０１０１４５１２３４", "format"),  # full-width
        ("010145-१२३४", "format"),  # Devanagari in the serial part only
    ],
)
def test_invalid_cpr_numbers_say_what_is_wrong(text, code):
    with pytest.raises(CprError) as raised:
        normalise_cpr(text)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101451234", date(1945, 1, 1)),  # 7th digit 1 → 1900s
        ("0101104234", date(2010, 1, 1)),  # 7th digit 4, year ≤ 36 → 2000s
        ("0101404234", date(1940, 1, 1)),  # 7th digit 4, year > 36 → 1900s
        ("0101605234", date(1860, 1, 1)),  # 7th digit 5, year > 57 → 1800s
    ],
)
def test_birth_date_follows_the_cpr_office_century_table(cpr, born):
    assert birth_date(cpr) == born


def test_masking_shows_the_birth_date_part_only():
    assert mask_cpr("0101451234") == "010145-XXXX"
    assert "1234" not in mask_cpr("0101451234")
    assert mask_cpr("garbage") == "XXXXXX-XXXX"
    assert mask_cpr("٠١٠١٤٥١٢٣٤") == "XXXXXX-XXXX"  # ASCII digits only (issue 15, Low 10)
