import pytest

from engine.sdk import session_scope
from skills.utilities.accounts import (
    AccountChoice,
    account_for,
    account_number_in,
    find_account,
    linked_accounts,
)


@pytest.mark.parametrize(
    "text, number",
    [
        ("1002003004", "1002003004"),
        ("лицевой счёт 100 200 3004", "1002003004"),
        ("л/с 123-456-789", "123456789"),
        ("12345", None),  # too short
        ("1002003004 или 2003004005", None),  # two numbers: which one?
    ],
)
def test_the_account_number_in_a_message(text, number):
    assert account_number_in(text) == number


def test_an_action_reaches_only_the_residents_own_accounts(link):
    link(sender="owner")
    with session_scope() as session:
        owner = find_account(session, "1002003004").resident_id
        assert [a.number for a in linked_accounts(session, owner)] == ["1002003004"]
        choice, account = account_for(session, owner)
        assert choice is AccountChoice.FOUND and account.number == "1002003004"
        assert account_for(session, owner, "2003004005") == (AccountChoice.NOT_YOURS, None)
        assert account_for(session, owner + 1) == (AccountChoice.NONE_LINKED, None)
