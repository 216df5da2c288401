"""The staff's command line: the appeals listed (all or by status), one with its history, taken and answered once
with the author told through the notifier, wrong numbers and wrong moves refused; the minutes' chain checked."""

import io
from types import SimpleNamespace

import pytest

from engine.sdk import session_scope
from engine.testing import scheduled_notifications
from skills.governance import admin, appeals
from skills.governance.models import ANSWERED, IN_WORK, REGISTERED

from .helpers import resident


def run(*argv):
    out = io.StringIO()
    code = admin.main(list(argv), out=out)
    return code, out.getvalue()


def appeal_notices():
    """The pending notifications of appeals (the demo schedules those of votes too)."""
    return [n for n in scheduled_notifications() if n[1].startswith("appeal-")]


def numbers(sender="me", status=None):
    author = resident(sender)
    with session_scope() as session:
        return [a.id for a in appeals.appeals_of(session, author) if status in (None, a.status)]


def test_the_appeals_listed_oldest_first_and_by_status(demo_store):
    code, output = run("appeals")
    lines = output.splitlines()
    assert code == 0 and len(lines) == 5
    first = lines[0].split("\t")
    assert first[2:5] == ["получен ответ", "снег и гололёд", "Гагарина 14"]
    assert first[5].startswith("Над вторым подъездом висят большие сосульки")
    code, output = run("appeals", "--status", "in_work")
    assert code == 0 and [line.split("\t")[2] for line in output.splitlines()] == ["в работе", "в работе"]
    with pytest.raises(SystemExit):
        run("appeals", "--status", "lost")


def test_one_appeal_with_its_history(demo_store):
    [answered] = numbers(status=ANSWERED)
    code, output = run("appeal", str(answered))
    assert code == 0 and output.startswith(f"Обращение № {answered} от 8 ноября 2026: мусор\nАдрес: Мира 3\n")
    assert "Фото: нет\nСтатус: получен ответ\nОтвет: Площадка по адресу Мира, 3 убрана." in output
    history = output.split("История:\n")[1].splitlines()
    assert [line.split()[2] for line in history] == ["зарегистрировано", "в", "получен"]
    assert "(resident)" in history[0] and "(staff)" in history[2]
    assert run("appeal", "999") == (1, "Обращения № 999 нет.\n")
    assert run("appeal", "0") == (1, "Обращения № 0 нет.\n")


def test_taken_then_answered_once_each_and_the_author_told(demo_store):
    [number] = numbers(status=REGISTERED)
    code, output = run("take", str(number))
    [(notification, name, _, entities, conversation)] = appeal_notices()
    assert (code, output) == (
        0,
        f"Обращение № {number} взято в работу.\n"
        f"Житель получит уведомление в своём канале (уведомление № {notification}).\n",
    )
    assert (name, conversation) == (f"appeal-{number}-in_work", "rest:me")
    assert entities == {appeals.NOTICE_APPEAL: number, appeals.NOTICE_STATUS: IN_WORK}
    assert run("take", str(number)) == (
        1,
        f"Обращение № {number} сейчас «в работе» — перевести его в «в работе» нельзя.\n",
    )
    code, output = run("answer", str(number), "--text", "Яму заделали 21 ноября. <b>Спасибо</b> 🙏")
    assert code == 0 and output.startswith(f"Ответ на обращение № {number} сохранён.\n")
    assert [n[1] for n in appeal_notices()][-1] == f"appeal-{number}-answered"
    assert run("answer", str(number), "--text", "ещё раз") == (
        1,
        f"Обращение № {number} сейчас «получен ответ» — перевести его в «получен ответ» нельзя.\n",
    )
    assert run("take", str(number))[0] == 1
    assert len(appeal_notices()) == 2
    with session_scope() as session:
        appeal = appeals.appeal_by_id(session, number)
        assert appeal.status == ANSWERED and appeal.answer == "Яму заделали 21 ноября. <b>Спасибо</b> 🙏"


def test_wrong_numbers_and_empty_answers_change_nothing(demo_store):
    [number] = numbers(status=REGISTERED)
    assert run("take", "999") == (1, "Обращения № 999 нет.\n")
    assert run("answer", "999", "--text", "x") == (1, "Обращения № 999 нет.\n")
    for text in ("   ", "\x00\x07", "а" * 5000):
        assert run("answer", str(number), "--text", text) == (
            1,
            "Текст ответа пуст или длиннее 4000 знаков.\n",
        )
    with pytest.raises(SystemExit):
        run("take", "двенадцать")
    assert numbers(status=REGISTERED) == [number] and appeal_notices() == []


def test_verify_minutes_prints_what_the_chain_check_found(demo_store, monkeypatch):
    calls = []

    def report(result):
        def verify(session, heads):
            calls.append(list(heads))
            return result

        return verify

    intact = SimpleNamespace(ok=True, records=3, head="ab" * 32, problem=None, sequence=None)
    monkeypatch.setattr(admin, "verify_chain", report(intact))
    assert run("verify-minutes") == (0, f"Протоколы целы: записей — 3, вершина цепочки {'ab' * 32}.\n")
    broken = SimpleNamespace(ok=False, records=3, head="cd" * 32, problem="removed", sequence=2)
    monkeypatch.setattr(admin, "verify_chain", report(broken))
    assert run("verify-minutes", "--head", "h1", "--head", "h2", "h3") == (
        1,
        "Цепочка протоколов нарушена на записи № 2: записи перед ней удалены.\n",
    )
    unknown = SimpleNamespace(ok=False, records=1, head="x", problem="odd", sequence=1)
    monkeypatch.setattr(admin, "verify_chain", report(unknown))
    assert run("verify-minutes")[1] == "Цепочка протоколов нарушена на записи № 1: odd.\n"
    assert calls == [[], ["h1", "h2", "h3"], []]


def test_verify_minutes_with_the_real_chain_check(store, monkeypatch):
    monkeypatch.setenv("GOV_MINUTES_KEY", "a key for the test")
    assert run("verify-minutes") == (0, f"Протоколы целы: записей — 0, вершина цепочки {'0' * 64}.\n")
    code, output = run("verify-minutes", "--head", "f" * 64)
    assert code == 1 and output.startswith(
        "Цепочка протоколов нарушена на записи № 1: опубликованной вершины нет"
    )
