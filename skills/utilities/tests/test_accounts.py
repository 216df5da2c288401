from engine.sdk import session_scope
from skills.utilities.accounts import (
    AccountChoice,
    account_for,
    find_account,
    linked_accounts,
)


def test_an_action_reaches_only_the_residents_own_accounts(link):
    link(sender="owner")
    with session_scope() as session:
        owner = find_account(session, "1002003004").resident_id
        assert [a.number for a in linked_accounts(session, owner)] == ["1002003004"]
        choice, account = account_for(session, owner)
        assert choice is AccountChoice.FOUND and account.number == "1002003004"
        assert account_for(session, owner, "2003004005") == (AccountChoice.NOT_YOURS, None)
        assert account_for(session, owner + 1) == (AccountChoice.NONE_LINKED, None)
