"""Phones, account numbers and one-time codes are masked in logs (the rule: docs/deploy.md, "Logs").

`mask_secrets(text)` masks, in this order:

1. Russian phone numbers in any common writing (+7 999 123-45-67, 89991234567, 8 (999) 123 45 67, (999) 123-45-67):
   "+7 *** ***-**-67", only the last two digits kept. A phone already masked for residents (+7 912 ***-**-67, see
   `engine.otp.mask_phone`) loses its area code too.
2. One-time codes: a number of 4–6 digits within 24 characters (no digit, no line break between) after a code word
   of `log_masking.yml` (code, otp and their Russian counterparts), masked whole; in records of the code senders'
   loggers (`code_loggers`), every standalone number of 4–8 digits.
3. Long digit runs (account numbers, phones written another way, any id of that length): 6 digits or more, groups
   joined by single spaces allowed ("1002 003 004"). Every digit becomes "*"; a run of 8 digits or more keeps its
   last two (an account stays recognisable: ********04). A one-time code has 6 digits, so a bare code is masked too.

What stays: numbers of up to 5 digits (order numbers, ports, counts, years, pids); amounts and other numbers with
a fractional part (1234.50, 1 500 000,00); dates and times (05.12.2026, 2026-12-05, 14:30); digits inside words
and hex ids (id123456, a3f1234567b); runs joined by dashes other than phones (20260105-143000).

Rasa's structured logs are JSON off a terminal (Cyrillic escaped, "\\u043a...") and coloured on one: both are read
as such. Every regular expression here runs in linear time: no nested quantifiers, gaps bounded.

`SecretMaskingFilter` applies this to log records: deploy/logging.yml puts it on the handlers of the Rasa and the
action servers (`logging_config_arguments()` passes that file to `rasa run`), and `mask_process_logs()` on those of
the engine's own commands.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from typing import Any, Dict, Iterable, List, Optional

import yaml

from engine.lexicon import load_lexicon
from engine.settings import PROJECT_ROOT

WORDS_FILE = PROJECT_ROOT / "engine" / "log_masking.yml"
LOGGING_CONFIG = PROJECT_ROOT / "deploy" / "logging.yml"
LONG_RUN_DIGITS = 6  # and more: masked
KEPT_FROM_DIGITS = 8  # a run this long keeps its last KEPT digits
KEPT = 2
MASK = "*"

_DIGIT = re.compile(r"\d")
_NON_DIGITS = re.compile(r"\D")
# Terminal colours (Rasa's structured logs on a terminal colour each value): masked around, kept as they are.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ESC = "\x1b"


def _start(also_not_after: str = "") -> str:
    r"""Where a number or a code word may begin: not right after a word character (or `also_not_after`), except
    right after a JSON escape ("\n", "\u0434"): Rasa's structured logs are JSON when not on a terminal."""
    return rf"(?:(?<![\w{also_not_after}])|(?<=\\[nrt])|(?<=\\u[0-9a-fA-F]{{4}}))"


# +7 / 7 / 8 and the area code (in brackets or not), or the area code in brackets alone; then 3-2-2 digits, each group
# optionally after one space or dash. Not inside a word or a longer number.
_PHONE = re.compile(
    _start("+")
    + r"(?:(?:\+7|[78])[ \-]?(?:\(\d{3}\)|\d{3})|\(\d{3}\))[ \-]?\d{3}[ \-]?\d{2}[ \-]?\d{2}(?!\d)"
)
_RESIDENT_MASKED_PHONE = re.compile(r"\+7 \d{3}(?= \*{3}-\*{2}-\d{2}(?!\d))")
# A digit run: not after a word character, a decimal point or "digit-" (a date, a dashed id); digits and single
# spaces between digits; not followed by a word character, a dash or a fractional part / the minutes of a time.
_DIGIT_RUN = re.compile(_start(".,") + r"(?<!\d-)\d(?:\d|[ ](?=\d))*(?![\w\-]|[.,:]\d)")
_STANDALONE_CODE = re.compile(_start(".,") + r"\d{4,8}(?![\w\-]|[.,:]\d)")


def _word_forms(word: str) -> List[str]:
    """The word as typed and, for non-ASCII words, as a JSON string escapes it (lower case, capitalised, upper
    case): Rasa's structured logs are JSON when not on a terminal."""
    # The word first, then where it began (a look-behind over the word): the pattern then starts with literals, which
    # the regex engine skips to at once instead of trying every position.
    width = len(word)
    forms = [
        rf"{re.escape(word)}(?:(?<!\w.{{{width}}})|(?<=\\[nrt].{{{width}}})|(?<=\\u[0-9a-fA-F]{{4}}.{{{width}}}))"
    ]
    if not word.isascii():
        for variant in sorted({word.lower(), word.capitalize(), word.upper()}):
            forms.append(re.escape(json.dumps(variant)[1:-1]))
    return forms


def _code_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(form for word in words for form in _word_forms(str(word)))
    return re.compile(
        rf"(?:{alternatives})[^\d\n]{{0,24}}(?P<code>\d{{4,6}})(?![\w\-]|[.,:]\d)", re.IGNORECASE
    )


_WORDS = load_lexicon(WORDS_FILE)
_CODE_AFTER_WORD = _code_pattern(_WORDS["code_words"])
CODE_LOGGERS = tuple(str(name) for name in _WORDS["code_loggers"])


def masked_phone(phone: str, show_area_code: bool = False) -> Optional[str]:
    """A Russian phone number in any writing masked to its last two digits: "+7 *** ***-**-67"; with
    `show_area_code`, "+7 999 ***-**-67" (what a resident is shown of their own number). None when `phone` does not
    hold exactly one: 10 digits, or 11 starting with 7 or 8."""
    digits = _NON_DIGITS.sub("", phone or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10:
        return None
    area = digits[:3] if show_area_code else MASK * 3
    return f"+7 {area} ***-**-{digits[-KEPT:]}"


def _stars(text: str, keep: int = 0) -> str:
    """Every digit of `text` but the last `keep` as MASK; separators stay."""
    cut, found = len(text), 0
    while found < keep and cut > 0:
        cut -= 1
        found += text[cut].isdigit()
    return _DIGIT.sub(MASK, text[:cut]) + text[cut:]


def _phone(match: re.Match[str]) -> str:
    return masked_phone(match.group()) or _stars(match.group())


def _code(match: re.Match[str]) -> str:
    start = match.start("code") - match.start()
    return match.group()[:start] + MASK * len(match.group("code"))


def _digit_run(match: re.Match[str]) -> str:
    run = match.group()
    digits = len(_NON_DIGITS.sub("", run))
    if digits < LONG_RUN_DIGITS:
        return run
    return _stars(run, KEPT if digits >= KEPT_FROM_DIGITS else 0)


def mask_secrets(text: str, code_context: bool = False) -> str:
    """`text` with phones, one-time codes and long digit runs masked (the module's rule); `code_context` for what a
    code sender logs. Terminal colours stay; masking a masked text changes nothing."""
    if not text or not _DIGIT.search(text):
        return text
    if _ESC not in text:
        return _mask_plain(text, code_context)
    # Each colour sequence stands as one escape character while masking (a boundary, never part of a match).
    colours = _ANSI.findall(text)
    plain = _ANSI.sub(_ESC, text)
    if plain.count(_ESC) != len(colours):  # a stray escape character: the colours are dropped
        return _mask_plain(_ANSI.sub("", text), code_context)
    first, *rest = _mask_plain(plain, code_context).split(_ESC)
    return first + "".join(colour + part for colour, part in zip(colours, rest, strict=True))


def _mask_plain(text: str, code_context: bool) -> str:
    text = _PHONE.sub(_phone, text)
    text = _RESIDENT_MASKED_PHONE.sub("+7 ***", text)
    text = _CODE_AFTER_WORD.sub(_code, text)
    if code_context:
        text = _STANDALONE_CODE.sub(lambda match: MASK * len(match.group()), text)
    return _DIGIT_RUN.sub(_digit_run, text)


def is_code_logger(name: str) -> bool:
    return any(name == logger or name.startswith(logger + ".") for logger in CODE_LOGGERS)


_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_MASKED_FLAG = "secrets_masked"
_TRACEBACKS = logging.Formatter()


def mask_record(record: logging.LogRecord) -> None:
    """Rewrites the record in place: its final message (arguments merged in), traceback, stack and string extras
    (Sanic's access log keeps the request line in `request`). Done once per record, whatever the handlers."""
    if getattr(record, _MASKED_FLAG, False):
        return
    code_context = is_code_logger(record.name)
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: what logging's error report would print, masked
        message = f"{record.msg} {record.args}"
    record.msg, record.args = mask_secrets(message, code_context), None
    if record.exc_info and not record.exc_text:
        record.exc_text = _TRACEBACKS.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_secrets(record.exc_text, code_context)
    if record.stack_info:
        record.stack_info = mask_secrets(record.stack_info, code_context)
    for name, value in list(vars(record).items()):
        if name not in _RECORD_ATTRIBUTES and isinstance(value, str):
            setattr(record, name, mask_secrets(value, code_context))
    setattr(record, _MASKED_FLAG, True)


class SecretMaskingFilter(logging.Filter):
    """Masks every record passing through (`mask_record`) and keeps them all. Belongs on handlers: a logger's
    filter sees only the records logged to that very logger, not those its children propagate up."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def logging_config() -> Dict[str, Any]:
    """deploy/logging.yml as a `logging.config.dictConfig` mapping (a fresh one: dictConfig consumes it)."""
    return dict(yaml.safe_load(LOGGING_CONFIG.read_text(encoding="utf-8")))


def logging_config_arguments() -> List[str]:
    """The arguments of `rasa run` (and `rasa run actions`, `rasa shell`) that install deploy/logging.yml."""
    return ["--logging-config-file", str(LOGGING_CONFIG)]


def _has_masking(handler: logging.Handler) -> bool:
    return any(isinstance(f, SecretMaskingFilter) for f in handler.filters)


def mask_process_logs(console_level: Optional[int] = None) -> None:
    """For the engine's own commands: masks what the root logger's handlers and logging's last resort (what prints
    warnings when nothing is configured) write. With `console_level`, a process whose root logger has no handler yet
    first gets deploy/logging.yml's, at that level (a long-running command's own log)."""
    root = logging.getLogger()
    if console_level is not None and not root.handlers:
        logging.config.dictConfig(logging_config())
        root.setLevel(console_level)
    for handler in [logging.lastResort, *root.handlers]:
        if handler is not None and not _has_masking(handler):
            handler.addFilter(SecretMaskingFilter())
