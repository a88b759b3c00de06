"""The folding rule: spellings of one name in Latvian, plain Latin, Russian and Georgian meet."""

from __future__ import annotations

import pytest

from models.name_keys import document_key, fold_words, name_key, prefix_range


@pytest.mark.parametrize(("spellings", "key"), [
    (("Bērziņš", "Berzins", "BERZINS", "Берзиньш", "Berzinsh"), "berzins"),
    (("Jānis", "Janis", "Янис", "Yanis"), "janis"),
    (("Beridze", "Беридзе", "ბერიძე"), "beridze"),
    (("Nino", "Нино", "ნინო"), "nino"),
    (("Shevardnadze", "Шеварднадзе", "შევარდნაძე"), "sevardnadze"),
    (("Hovhannisyan", "Hovhanisjan", "Հովհաննիսյան"), "hovhanisjan"),
    (("Khachaturyan", "Hačaturjan", "Хачатурян"), "hacaturjan"),
    (("Tsereteli", "Церетели", "Cereteli", "წერეთელი"), "cereteli"),
    (("Žukov", "Жуков", "Zhukov"), "zukov"),
])
def test_spellings_of_one_name_fold_to_one_key(spellings: tuple[str, ...], key: str) -> None:
    assert {name_key(s) for s in spellings} == {key}


def test_words_apostrophes_and_signs() -> None:
    assert fold_words("Jānis  Bērziņš-Kalniņš") == ["janis", "berzins", "kalnins"]
    assert name_key("O'Brien") == name_key("OBrien") == "obrien"
    assert name_key("Объедкин") == "obedkin"  # the hard sign goes like the soft one
    assert name_key("de la Cruz") == "delacruz"


def test_placeholders_and_empty_names_have_no_key() -> None:
    assert name_key("[anonymised]") is None
    assert name_key("---") is None


def test_document_numbers_compare_without_spaces_case_or_dashes() -> None:
    assert document_key("lv 123-456") == document_key("LV123456") == "LV123456"
    assert document_key(None) is None and document_key(" - ") is None


def test_a_prefix_is_a_range_of_keys() -> None:
    low, high = prefix_range("berz")
    assert (low, high) == ("berz", "bes") and high is not None
    assert all(low <= k < high for k in ("berz", "berzins", "berzzz"))
    assert not any(low <= k < high for k in ("bery", "bes", "ber"))
    assert prefix_range("ab") == ("ab", "ac")
    assert prefix_range("zz") == ("zz", None)
