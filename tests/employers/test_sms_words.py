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
def test_no_sms_is_cut_the_long_values_are_shortened_instead(key: str) -> None:
    sms = notices.render(key, LONGEST).sms
    # The text's own last words are all there: only values were shortened, never the end of the message.
    assert sms.endswith(notices.gsm(notices.NOTICES[key].sms.rsplit("}", 1)[-1])), sms
    assert len(sms) <= notices.SMS_LIMIT
