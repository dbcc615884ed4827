"""A cheap, dependency-free check that a text is English.

Prose in a language is largely its function words ("the", "of", "and" in English, about 40 %).
A text is taken as not English when most of its letters are not Latin, or when the function
words of another major Latin-script language clearly outnumber the English ones. Telegraphic
English (wire earnings tables, "Shr 12 cts vs 10 cts") has few function words of any language
and is kept: it is English, just terse.
"""

from __future__ import annotations

import re

from crosscheck.config import DEFAULTS, LanguageSettings

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": """the of and to a in is that for it on was with as by he at from his an be are have has
            had not but or this which its their they were been will would said who after also more one
            we i you she her him about than into over could when what there up out new can all if so
            no our these those other some two such only then them do did just most may should""",
        "de": """der die das und ist nicht ein eine einer eines den dem des mit sich auf für von zu im
            auch als wird wurde sind bei aus nach wie oder aber noch werden hat haben über dass""",
        "fr": """le la les et est une des du dans pour pas que qui sur au aux par avec ce cette sont
            ont été il elle nous vous ils leur mais plus comme où sera être fait""",
        "es": """el la los las y es una del en para por con que se no su sus al lo como más pero fue
            son está este esta ha han entre cuando también sobre hasta desde""",
        "it": """il lo la gli le di che è e un una del della dei delle nel nella per con non sono si
            ha hanno anche come più ma questo questa alla agli dal dalla""",
        "pt": """o os a as e é um uma do da dos das em no na nos nas para com não que se por mais
            como mas foi são está ao pelo pela também""",
        "nl": """de het een en is van in dat op te zijn voor met niet aan er ook als bij door maar
            om naar heeft hebben werd wordt deze dit""",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Latin letters: A-Z, a-z and U+00C0-U+024F less the two non-letters there (multiplication and division signs)
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
# how short a text may be and how few function words it may have to go unchecked: the run's
# [language] settings (min_words, min_share), handed to detect()


def shares(text: str) -> dict[str, float]:
    """Share of words that are function words of each known language (0..1)."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return dict.fromkeys(_FUNCTION_WORDS, 0.0)
    return {lang: sum(1 for t in tokens if t in words) / len(tokens) for lang, words in _FUNCTION_WORDS.items()}


def english_score(text: str) -> float:
    """Share of words that are common English function words (0..1)."""
    return shares(text)["en"]


def detect(text: str, settings: LanguageSettings = DEFAULTS.language) -> str | None:
    """"en", another language code, "non-latin", or None when too short or too terse to tell."""
    letters = sum(map(str.isalpha, text))
    if letters and len(_LATIN_LETTERS.findall(text)) < 0.5 * letters:
        return "non-latin"
    if len(_WORD.findall(text)) < settings.min_words:
        return None
    found = shares(text)
    best = max(found, key=lambda lang: found[lang])
    if found[best] < settings.min_share:
        return None
    # English wins ties and near-ties: many function words are shared ("a", "in", "die" ...)
    if best != "en" and found[best] > 1.5 * found["en"]:
        return best
    return "en"


def is_english(text: str, settings: LanguageSettings = DEFAULTS.language) -> bool:
    """True unless the text is clearly in another language; short or terse texts get the benefit of the doubt."""
    return detect(text, settings) in ("en", None)
