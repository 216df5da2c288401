from connectors.voice import speakable, spoken_choices


def test_buttons_become_choices_said_aloud():
    messages = [
        {"text": "Позвать оператора?", "buttons": [{"title": "Да", "payload": "/affirm"}]},
        {
            "text": "Или выберите:",
            "buttons": [{"title": "Нет", "payload": "/deny"}, {"title": "Помощь", "payload": "/help"}],
        },
    ]
    assert speakable(messages) == {
        "text": "Позвать оператора? Или выберите: Скажите: «Да» или «Нет» или «Помощь».",
        "choices": ["Да", "Нет", "Помощь"],
    }


def test_an_answer_without_buttons_is_said_as_it_is():
    assert speakable([{"text": "Готово."}, {"image": "x.png"}]) == {"text": "Готово.", "choices": []}


def test_one_choice_is_offered_alone():
    assert spoken_choices(["Да"]) == "Скажите: «Да»."
