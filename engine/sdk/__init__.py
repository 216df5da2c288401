"""The skill SDK: everything a skill uses from the engine, and the only module of the engine it imports.

`engine check` refuses a skill that imports any other part of `engine` (tests may also use `engine.testing`),
anything of `nlu`, or another skill. Every sentence a resident reads lives in the skill's `domain.yml`
`responses:`; actions send them with `dispatcher.utter_message(response=..., **values)` and build list lines and
button titles with `phrase`. A response that proposes something adds `**offer(intent, ...)`, so that a yes or the
value it asks for accepts it (engine.sdk.offers).
"""

from engine.lexicon import LexiconError, canonical_values, load_lexicon, skill_lexicon
from engine.payments import (
    DECLINED,
    SUCCEEDED,
    PaymentRefund,
    PaymentRefused,
    is_test_payment,
    pay,
    payment_provider,
    payments_are_test,
    receipt,
    refund,
    refunded_amount,
)
from engine.residents import known_address, remember_address
from engine.russian import (
    amount_text,
    day_month,
    day_month_year,
    full_date,
    moment_text,
    money,
    month_genitive,
    month_nominative,
    month_prepositional,
    month_year,
    number,
    plural,
    weekday_short,
)
from engine.sdk import clock
from engine.sdk.address import HOUSE_NUMBER, STREET, AddressReading, read_address
from engine.sdk.conversation import (
    STOP,
    button,
    channel_identity,
    corrected_value,
    corrects_other_slots,
    entity_value,
    entity_values,
    intent_payload,
    resident_id,
    value_before,
)
from engine.sdk.durations import read_minutes
from engine.sdk.notifications import (
    NOTIFICATION_ENTITY,
    cancel_notifications,
    delivered_now,
    notify_later,
    notify_resident,
)
from engine.sdk.offers import offer, pending_offer
from engine.sdk.phrases import MissingResponse, phrase
from engine.sdk.positions import picked_position, positions
from engine.sdk.problems import problem_value
from engine.sdk.store import (
    Base,
    Payment,
    audit_record,
    channel_identities_of,
    mask_phone,
    payment_by_id,
    resident_for,
    session_scope,
    utcnow,
)
from engine.sdk.values import (
    read_account_number,
    read_age,
    read_numbers,
    read_typed,
    read_yes_no,
    register_reader,
    yes_no_extraction,
)
from engine.sdk.words import fold_spelling, is_numeral, lemma, lemmas, parse_phone, words_of

__all__ = [
    "DECLINED",
    "HOUSE_NUMBER",
    "NOTIFICATION_ENTITY",
    "STOP",
    "STREET",
    "SUCCEEDED",
    "AddressReading",
    "Base",
    "LexiconError",
    "MissingResponse",
    "Payment",
    "PaymentRefund",
    "PaymentRefused",
    "amount_text",
    "audit_record",
    "button",
    "cancel_notifications",
    "canonical_values",
    "channel_identities_of",
    "channel_identity",
    "clock",
    "corrected_value",
    "corrects_other_slots",
    "day_month",
    "day_month_year",
    "delivered_now",
    "entity_value",
    "entity_values",
    "fold_spelling",
    "full_date",
    "intent_payload",
    "is_numeral",
    "is_test_payment",
    "known_address",
    "lemma",
    "lemmas",
    "load_lexicon",
    "mask_phone",
    "moment_text",
    "money",
    "month_genitive",
    "month_nominative",
    "month_prepositional",
    "month_year",
    "notify_later",
    "notify_resident",
    "number",
    "offer",
    "parse_phone",
    "pay",
    "payment_by_id",
    "payment_provider",
    "payments_are_test",
    "pending_offer",
    "phrase",
    "picked_position",
    "plural",
    "positions",
    "problem_value",
    "read_account_number",
    "read_address",
    "read_age",
    "read_minutes",
    "read_numbers",
    "read_typed",
    "read_yes_no",
    "receipt",
    "refund",
    "refunded_amount",
    "register_reader",
    "remember_address",
    "resident_for",
    "resident_id",
    "session_scope",
    "skill_lexicon",
    "utcnow",
    "value_before",
    "weekday_short",
    "words_of",
    "yes_no_extraction",
]
