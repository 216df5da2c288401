"""The skill SDK: everything a skill uses from the engine, and the only module of the engine it imports.

`engine check` refuses a skill that imports any other part of `engine` (tests may also use `engine.testing`),
anything of `nlu`, or another skill. Every sentence a resident reads lives in the skill's `domain.yml`
`responses:`; actions send them with `dispatcher.utter_message(response=..., **values)` and build list lines and
button titles with `phrase`.
"""

from engine.lexicon import LexiconError, canonical_values, load_lexicon, skill_lexicon
from engine.payments import (
    DECLINED,
    SUCCEEDED,
    PaymentRefused,
    is_test_payment,
    pay,
    payment_provider,
    payments_are_test,
    receipt,
)
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
    weekday_short,
)
from engine.sdk import clock
from engine.sdk.conversation import (
    STOP,
    button,
    channel_identity,
    entity_value,
    entity_values,
    intent_payload,
    resident_id,
)
from engine.sdk.phrases import MissingResponse, phrase
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
from engine.sdk.words import fold_spelling, is_numeral, lemma, lemmas, parse_phone, words_of

__all__ = [
    "DECLINED",
    "STOP",
    "SUCCEEDED",
    "Base",
    "LexiconError",
    "MissingResponse",
    "Payment",
    "PaymentRefused",
    "amount_text",
    "audit_record",
    "button",
    "canonical_values",
    "channel_identities_of",
    "channel_identity",
    "clock",
    "day_month",
    "day_month_year",
    "entity_value",
    "entity_values",
    "fold_spelling",
    "full_date",
    "intent_payload",
    "is_numeral",
    "is_test_payment",
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
    "number",
    "parse_phone",
    "pay",
    "payment_by_id",
    "payment_provider",
    "payments_are_test",
    "phrase",
    "receipt",
    "resident_for",
    "resident_id",
    "session_scope",
    "skill_lexicon",
    "utcnow",
    "weekday_short",
    "words_of",
]
