import re

import pytest

from portal.referrals import codes

SAMPLE = [codes.generate() for _ in range(25)]


def test_generated_codes_are_twelve_unambiguous_symbols():
    for code in SAMPLE:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", code)
        assert codes.normalise(code) == code


def test_codes_carry_at_least_fifty_random_bits():
    assert codes.PAYLOAD_LENGTH * 5 >= 50
    assert len(set(codes.generate() for _ in range(2000))) == 2000


def test_display_groups_in_fours_for_reading_aloud():
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", codes.display(SAMPLE[0]))


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: codes.display(c).lower(),
        lambda c: " ".join(codes.display(c).split("-")),
        lambda c: f"  {c[:6]} – {c[6:]} ",
        lambda c: c.replace("0", "o").replace("1", "l"),
    ],
    ids=["lower-case", "spaces", "dash-and-padding", "look-alikes"],
)
def test_case_spaces_hyphens_and_lookalikes_do_not_matter(typed):
    for code in SAMPLE:
        assert codes.normalise(typed(code)) == code


def test_every_single_symbol_typo_is_caught():
    for code in SAMPLE:
        for position in range(len(code)):
            for symbol in codes.ALPHABET:
                if symbol == code[position]:
                    continue
                typo = code[:position] + symbol + code[position + 1 :]
                with pytest.raises(codes.InvalidCode):
                    codes.normalise(typo)


def test_every_swap_of_two_symbols_is_caught():
    for code in SAMPLE:
        for i in range(len(code)):
            for j in range(i + 1, len(code)):
                if code[i] == code[j]:
                    continue
                swapped = list(code)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                with pytest.raises(codes.InvalidCode):
                    codes.normalise("".join(swapped))


@pytest.mark.parametrize("text", ["", "ABC", "ABCD-EFGH-JKMN-P", "ABCD-EFGH-JKU1", None])
def test_wrong_lengths_and_symbols_are_refused(text):
    with pytest.raises(codes.InvalidCode):
        codes.normalise(text)
