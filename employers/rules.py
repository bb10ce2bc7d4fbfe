"""Business figures the employers domain checks against (kept here, out of the code that uses them)."""

from __future__ import annotations

from matching.country import get_pack


def minimum_wage_month() -> int:
    """Return the country's minimum wage (SMIG) a month, in its currency, from its pack (packs/<CODE>/country.json).

    A vacancy paying less gets a warning, not an error: many guards are paid below it and the employer may still
    post the vacancy.
    """
    return get_pack().minimum_wage_month


#: Code of a vacancy created in the portal: the scheme of the exchange files' ids ("V-00001"), numbered across all
#: companies, so a vacancy made on a page looks like an imported one.
VACANCY_CODE = "V-{number:05d}"
#: How many times creating a vacancy tries the next code when a concurrent creation took the one it chose.
VACANCY_CODE_ATTEMPTS = 20
