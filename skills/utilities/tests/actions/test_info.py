from datetime import date

from engine.testing import button_titles, make_tracker, run_action, texts
from skills.utilities.actions.info import (
    ActionUtilitiesBalance,
    ActionUtilitiesCharges,
    ActionUtilitiesTariffs,
    period_asked,
)


def test_balance_shows_due_date_and_breakdown_on_request(linked):
    messages, _ = run_action(
        ActionUtilitiesBalance(), make_tracker("остаток по счёту подробно по услугам", "utilities_balance")
    )
    lines = texts(messages).splitlines()
    assert lines[0] == "Лицевой счёт № 1002003004, ул. Ленина, 15, кв. 42."
    assert lines[1].startswith("К оплате: ") and lines[1].endswith(" ₽ до 10 ноября.")
    assert lines[2] == "Начислено за октябрь 2026:"
    assert any(line.startswith("• содержание жилья: 54,3 м² × 35,80 ₽ = ") for line in lines)
    assert any(
        line.startswith("• электроэнергия (ночь): ") and " кВт·ч × 3,53 ₽ = " in line for line in lines
    )
    assert button_titles(messages) == ["Оплатить", "Подробно по услугам"]


def test_balance_without_breakdown_and_with_a_prepayment(link):
    link(number="3004005006")
    messages, _ = run_action(ActionUtilitiesBalance(), make_tracker("сколько я должен", "utilities_balance"))
    assert (
        texts(messages)
        == "Лицевой счёт № 3004005006, пр. Мира, 101, кв. 17.\nДолга нет, переплата (аванс): 5 000,00 ₽."
    )
    assert button_titles(messages) == ["Подробно по услугам"]


def test_a_debt_from_earlier_months_is_shown(link):
    link(number="2003004005")
    text = texts(run_action(ActionUtilitiesBalance(), make_tracker("остаток", "utilities_balance"))[0])
    assert "\nИз них долг за прошлые месяцы: " in text


def test_charges_of_a_named_month_explain_what_changed(linked):
    tracker = make_tracker(
        "за что начислили в октябре", "utilities_charges", entities=[{"entity": "month", "value": "october"}]
    )
    lines = texts(run_action(ActionUtilitiesCharges(), tracker)[0]).splitlines()
    assert lines[0] == "Начисления за октябрь 2026 по счёту № 1002003004:"
    assert any(line.startswith("Итого: ") for line in lines)
    compared = next(line for line in lines if line.startswith("Это на "))
    assert compared.endswith(", чем в сентябре. Что изменилось:")
    changes = lines[lines.index(compared) + 1 :]
    assert changes and all(line.startswith("• ") for line in changes)
    # the flat has no heat meter: heating is charged by the norm from October, a new item this month
    assert any(line.startswith("• Отопление: начисление появилось в этом месяце (") for line in changes)


def test_charges_of_a_month_not_billed(linked):
    tracker = make_tracker(
        "начисления за ноябрь", "utilities_charges", entities=[{"entity": "month", "value": "november"}]
    )
    assert (
        texts(run_action(ActionUtilitiesCharges(), tracker)[0])
        == "За ноябрь 2025 начислений по счёту № 1002003004 нет."
    )


def test_the_month_asked_is_the_latest_one_billed():
    assert period_asked("october", date(2026, 10, 1)) == date(2026, 10, 1)
    assert period_asked("november", date(2026, 10, 1)) == date(2025, 11, 1)
    assert period_asked(None, date(2026, 10, 1)) == date(2026, 10, 1)


def test_tariffs_show_the_latest_change(demo_store):
    tracker = make_tracker(
        "тариф на свет", "utilities_tariffs", entities=[{"entity": "meter_type", "value": "electricity"}]
    )
    lines = texts(run_action(ActionUtilitiesTariffs(), tracker)[0]).splitlines()
    assert lines[0] == "Действующие тарифы:"
    assert "• электроэнергия (день): 9,18 ₽ за кВт·ч (с 1 июля 2026, было 7,98 ₽, +15,0%)" in lines
    assert len(lines) == 4 and not any("вода" in line for line in lines)


def test_tariffs_of_a_service_without_any(demo_store):
    tracker = make_tracker(
        "тариф на интернет", "utilities_tariffs", entities=[{"entity": "meter_type", "value": "internet"}]
    )
    assert texts(run_action(ActionUtilitiesTariffs(), tracker)[0]) == "Тарифов по этой услуге у меня нет."
