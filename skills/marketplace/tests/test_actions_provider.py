"""The providers' side: the join form, the decision on an application, a member's services, orders and earnings,
and moving an own order forward (actions/provider.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.sdk import NOTIFICATION_ENTITY, STOP, clock, resident_for, session_scope
from engine.testing import make_tracker, run_action, slot_events, texts
from skills.marketplace import notices, orders, providers
from skills.marketplace.actions.provider import (
    ActionMarketApplicationDecided,
    ActionMarketJoinDone,
    ActionMarketProviderAddService,
    ActionMarketProviderStats,
    ValidateMarketJoinForm,
)
from skills.marketplace.models import MarketOffer, MarketOrder, MarketPayment, MarketProvider
from skills.marketplace.tests.conversations import (
    IVAN,
    done_order,
    mark,
    place,
    stored_order,
    today,
    tomorrow,
    validate,
)
from skills.marketplace.texts import rubles


def join_form(new=None, slots=None, text="хочу стать исполнителем", sender="newcomer"):
    return validate(
        ValidateMarketJoinForm(), "market_join_form", text, "market_provider_join", slots, new, sender=sender
    )


def test_a_pending_application_says_its_status_and_stops_the_form(demo_store):
    messages, events = join_form(sender="applicant-petr")
    assert texts(messages) == (
        "Ваша заявка в кооператив на модерации: администратор рассмотрит её и вам придёт ответ."
    )
    slots = slot_events(events)
    assert {
        slots[s]
        for s in ("market_join_name", "market_join_categories", "market_join_districts", "market_join_phone")
    } == {STOP}
    messages, _ = run_action(ActionMarketJoinDone(), make_tracker(sender_id="applicant-petr", slots=slots))
    assert messages == []


def test_a_new_application_is_filed_pending(demo_store):
    _, events = join_form()
    assert slot_events(events) == {}  # nothing known yet: the form asks
    slots = {
        "market_join_name": "Мария Иванова",
        "market_join_categories": ["cleaning", "nanny"],
        "market_join_districts": "Заречный, Южный",
        "market_join_phone": "+79123456789",
    }
    messages, events = run_action(
        ActionMarketJoinDone(), make_tracker("+7 912 345-67-89", sender_id="newcomer", slots=slots)
    )
    text = texts(messages)
    number = int(text.split()[2])
    assert text == (
        f"Заявка № {number} принята: Мария Иванова; уборка, няня; районы: Заречный, Южный; телефон "
        "+79123456789. Статус — «на модерации»: администратор кооператива рассмотрит её, и я сообщу "
        "решение здесь."
    )
    assert all(value is None for value in slot_events(events).values())
    with session_scope() as session:
        application = session.execute(
            select(MarketProvider).where(
                MarketProvider.resident_id == resident_for(session, "rest", "newcomer")
            )
        ).scalar_one()
        assert (application.status, application.districts) == ("pending", ["Заречный", "Южный"])


@pytest.mark.parametrize(
    "answer, districts",
    [
        ("все районы", "Заречный, Центральный, Северный, Южный, Левобережный"),
        ("в заречном и южном", "Заречный, Южный"),
        ("на Марсе", None),
    ],
)
def test_districts_are_read_from_words(demo_store, answer, districts):
    slots = {
        "market_join_name": "Мария",
        "market_join_categories": ["cleaning"],
        "requested_slot": "market_join_districts",
    }
    messages, events = join_form(new={"market_join_districts": answer}, slots=slots, text=answer)
    assert slot_events(events)["market_join_districts"] == districts
    assert texts(messages) == (
        ""
        if districts
        else "Не узнал районы. В городе есть: Заречный, Центральный, Северный, "
        "Южный, Левобережный. Можно ответить «все районы»."
    )


def test_a_member_adds_a_service_and_a_non_member_cannot(demo_store):
    text = "добавь услугу: прочистка канализации 2000 рублей за выезд"
    messages, _ = run_action(
        ActionMarketProviderAddService(), make_tracker(text, "market_provider_add_service", sender_id=IVAN)
    )
    assert texts(messages) == (
        "Услуга сохранена: «Прочистка канализации» — 2 000 ₽ за выезд (сантехник, гарантия "
        "90 дн.). Жители увидят её в поиске."
    )
    with session_scope() as session:
        offer = session.execute(
            select(MarketOffer).where(MarketOffer.title == "Прочистка канализации")
        ).scalar_one()
        assert (offer.price, offer.unit, offer.category, offer.active) == (
            Decimal("2000.00"),
            "выезд",
            "plumber",
            True,
        )
    for sender in ("resident-1", "applicant-petr"):
        messages, _ = run_action(
            ActionMarketProviderAddService(),
            make_tracker(
                "добавь услугу: поклейка обоев 500 рублей за метр",
                "market_provider_add_service",
                sender_id=sender,
            ),
        )
        assert texts(messages) == "Добавлять услуги могут участники кооператива. Хотите вступить?"
        assert messages[0]["buttons"] == [
            {"title": "Вступить в кооператив", "payload": "/market_provider_join"}
        ]
        assert messages[0]["offer"]["intent"] == "market_provider_join"  # «да» starts the application
    with session_scope() as session:
        assert (
            session.execute(
                select(func.count(MarketOffer.id)).where(MarketOffer.title == "Поклейка обоев")
            ).scalar_one()
            == 1
        )


def test_a_service_in_a_category_outside_the_members_profile_is_refused(demo_store):
    text = "добавь услугу поклейка обоев 500 рублей за метр"
    renovation = [{"entity": "service_category", "value": "renovation", "start": 15, "end": 29}]
    messages, _ = run_action(
        ActionMarketProviderAddService(),
        make_tracker(text, "market_provider_add_service", entities=renovation, sender_id=IVAN),
    )
    assert (
        texts(messages)
        == "Категория «ремонт и отделка» не указана в вашей анкете (ваши категории: сантехник)."
    )
    with session_scope() as session:
        ivan = session.execute(
            select(MarketProvider).where(MarketProvider.name == "Иван Петров")
        ).scalar_one()
        titles = (
            session.execute(select(MarketOffer.title).where(MarketOffer.provider_id == ivan.id))
            .scalars()
            .all()
        )
    assert "Поклейка обоев" not in titles


def test_stats_list_upcoming_orders_and_earnings(demo_store):
    upcoming = place(day=tomorrow() + timedelta(days=3))
    done_order()
    month_start = clock.local_moment(today().replace(day=1), 0)
    with session_scope() as session:
        ivan = session.execute(
            select(MarketProvider).where(MarketProvider.name == "Иван Петров")
        ).scalar_one()
        done = (
            session.execute(
                select(MarketOrder.id).where(
                    MarketOrder.provider_id == ivan.id,
                    MarketOrder.state == orders.DONE,
                    MarketOrder.done_at >= month_start,
                )
            )
            .scalars()
            .all()
        )
        earned, commission = (
            Decimal(str(total)).quantize(Decimal("0.01"))
            for total in session.execute(
                select(func.sum(MarketPayment.provider_share), func.sum(MarketPayment.commission)).where(
                    MarketPayment.order_id.in_(done)
                )
            ).one()
        )
    messages, _ = run_action(
        ActionMarketProviderStats(), make_tracker("мой заработок", "market_provider_stats", sender_id=IVAN)
    )
    text = texts(messages)
    assert text.startswith(f"Предстоящие заказы:\nЗаказ № {upcoming}: сантехник")
    assert f"\nВыполнено в этом месяце: {len(done)}.\n" in text
    assert (
        f"\nЗаработано за месяц после комиссии: {rubles(earned)} (комиссия кооперативу — "
        f"{rubles(commission)}; членский взнос — 500 ₽ в месяц).\n"
    ) in text
    assert text.endswith("\nОтметить заказ: «заказ 12 выполнен», «приступил к заказу 12».")
    messages, _ = run_action(
        ActionMarketProviderStats(), make_tracker("мой заработок", "market_provider_stats")
    )
    assert texts(messages) == "Статистика доступна только участникам кооператива."


def test_stats_without_upcoming_orders_say_so(demo_store):
    messages, _ = run_action(
        ActionMarketProviderStats(), make_tracker("мой заработок", "market_provider_stats", sender_id=IVAN)
    )
    assert texts(messages).startswith("Предстоящих заказов нет.\nВыполнено в этом месяце: ")


def test_only_members_move_orders_and_only_forward(demo_store):
    number = place()
    messages, _ = mark(number, sender="resident-1")
    assert texts(messages) == "Отмечать заказы могут исполнители кооператива."
    assert stored_order(number).state == orders.ASSIGNED
    messages, _ = mark(number, f"приступил к заказу {number}")
    assert texts(messages).startswith(f"Отметил. Заказ № {number}: сантехник, ")
    assert (
        texts(messages).endswith(", в работе (Иван Петров).")
        and stored_order(number).state == orders.IN_PROGRESS
    )
    messages, _ = mark(number, f"подтверждаю заказ {number}")
    assert (
        texts(messages)
        == f"Заказ № {number} сейчас «в работе» — перевести его в «подтверждён исполнителем» нельзя."
    )
    assert stored_order(number).state == orders.IN_PROGRESS
    messages, _ = mark(number, f"заказ {number} не выполнен")
    assert texts(messages) == (
        "Напишите номер заказа и что с ним: «подтверждаю заказ 12», «приступил к заказу 12» "
        "или «заказ 12 выполнен»."
    )
    messages, _ = mark(number + 1000)
    assert texts(messages) == f"Заказа № {number + 1000} среди ваших заказов нет."
    messages, _ = mark(number)
    assert texts(messages).endswith(", выполнен (Иван Петров). Гарантия на работу началась.")


@pytest.mark.parametrize(
    "status, reason, said",
    [
        (
            "approved",
            None,
            "Ваша заявка в кооператив одобрена, Пётр Смирнов! Добавьте свои услуги и цены, например: "
            "«добавь услугу: поклейка обоев 500 рублей за метр».",
        ),
        (
            "rejected",
            "нет документов",
            "Ваша заявка в кооператив отклонена. Причина: нет документов. Можно исправить "
            "данные и подать её снова.",
        ),
        ("rejected", None, "Ваша заявка в кооператив отклонена. Можно исправить данные и подать её снова."),
    ],
)
def test_the_decision_is_told_to_the_applicant(demo_store, status, reason, said):
    with session_scope() as session:
        application = providers.application_of(session, resident_for(session, "rest", "applicant-petr"))
        application.status, application.decision_reason = status, reason
        notification = notices.tell_applicant(session, application, clock.now())
    notified = [{"entity": NOTIFICATION_ENTITY, "value": notification}]
    messages, _ = run_action(
        ActionMarketApplicationDecided(), make_tracker(sender_id="applicant-petr", entities=notified)
    )
    assert texts(messages) == said
    messages, _ = run_action(
        ActionMarketApplicationDecided(), make_tracker(sender_id="resident-1", entities=notified)
    )
    assert messages == []


@pytest.mark.parametrize(
    "slot, answer, said",
    [
        ("market_join_name", "5", "Напишите имя или название фирмы — от 2 до 128 символов."),
        (
            "market_join_categories",
            "astrologer",
            "Не нашёл таких услуг в списке кооператива. Назовите одну или несколько: "
            "сантехник, электрик, уборка, ремонт техники, ремонт и отделка, доставка, "
            "грузчики, репетитор, няня, красота, компьютерная помощь.",
        ),
        (
            "market_join_phone",
            "позвоните мне",
            "Не похоже на номер телефона. Напишите, например, +7 912 345-67-89.",
        ),
    ],
)
def test_a_join_answer_that_does_not_fit_is_asked_again(demo_store, slot, answer, said):
    messages, events = join_form(new={slot: answer}, slots={"requested_slot": slot}, text=answer)
    assert texts(messages) == said and slot_events(events)[slot] is None


def test_an_application_refused_by_the_domain_is_not_filed(demo_store):
    slots = {
        "market_join_name": "Мария",
        "market_join_categories": ["cleaning"],
        "market_join_districts": "Южный",
        "market_join_phone": "12",
    }
    messages, _ = run_action(ActionMarketJoinDone(), make_tracker("12", sender_id="newcomer", slots=slots))
    assert texts(messages) == (
        "Укажите телефон для связи, например +7 912 345-67-89. Заявка не подана — попробуйте ещё раз."
    )


def test_a_service_needs_a_price_and_a_category_when_the_member_has_several(demo_store):
    with session_scope() as session:
        tanya = session.execute(
            select(MarketProvider).where(MarketProvider.name == "Татьяна Белова")
        ).scalar_one()
        tanya.resident_id = resident_for(session, "rest", "tanya")
    messages, _ = run_action(
        ActionMarketProviderAddService(),
        make_tracker("добавь услугу", "market_provider_add_service", sender_id="tanya"),
    )
    assert texts(messages) == (
        "Напишите услугу и цену одной фразой, например: «добавь услугу: поклейка обоев 500 рублей за метр»."
    )
    messages, _ = run_action(
        ActionMarketProviderAddService(),
        make_tracker(
            "добавь услугу глажка белья 400 рублей за час", "market_provider_add_service", sender_id="tanya"
        ),
    )
    assert texts(messages) == (
        "В какой категории эта услуга? Ваши категории: уборка, няня. Напишите, например: "
        "«добавь услугу уборка: глажка белья 400 рублей»."
    )


@pytest.mark.parametrize(
    "answer, intent, name",
    [
        ("Иван Петров", "affirm", "Иван Петров"),  # a name the model read as a yes is still the name
        ("Даниил", "deny", "Даниил"),
    ],
)
def test_a_name_read_as_yes_or_no_is_the_name(demo_store, answer, intent, name):
    tracker = make_tracker(
        answer,
        intent,
        slots={"requested_slot": "market_join_name"},
        sender_id="newcomer",
        active_loop="market_join_form",
    )
    _, events = run_action(ValidateMarketJoinForm(), tracker)
    assert slot_events(events)["market_join_name"] == name


def test_a_bare_yes_is_no_name(demo_store):
    tracker = make_tracker(
        "да",
        "affirm",
        slots={"requested_slot": "market_join_name"},
        sender_id="newcomer",
        active_loop="market_join_form",
    )
    messages, events = run_action(ValidateMarketJoinForm(), tracker)
    assert "market_join_name" not in slot_events(events) and messages == []
