"""An SMS is never cut mid-word (issue 13: "…ou appelez v…"), tested on the longest real values."""

from __future__ import annotations

import pytest

from employers import notices
from tests.employers.test_offers import LONGEST


def test_a_cut_falls_at_a_words_end() -> None:
    assert notices.clip("Répondez dans Mon espace ou appelez votre conseiller", 40) == "Répondez dans Mon espace ou appelez..."
    assert notices.clip("court", 40) == "court"
    assert notices.clip("x" * 50, 20) == "x" * 17 + "..."  # one long word: cut inside it, as a last resort


@pytest.mark.parametrize("key", sorted(notices.NOTICES))
def test_no_sms_ends_in_the_middle_of_a_word(key: str) -> None:
    sms = notices.render(key, LONGEST).sms
    short = {k: notices.clip(notices.gsm(v), notices.SMS_FIELD_LIMITS.get(k, 40)) for k, v in LONGEST.items()}
    whole = notices.gsm(notices.NOTICES[key].sms.format_map(short))  # the text before its last cut
    if len(whole) > notices.SMS_LIMIT:
        kept = sms.removesuffix("...")
        assert whole.startswith(kept) and whole[len(kept)] in " ,;:", sms
