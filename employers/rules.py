"""Business figures the employers domain checks against (kept here, out of the code that uses them)."""

from __future__ import annotations

from matching.taxonomy import get_taxonomy

#: Mali's minimum wage (SMIG), in FCFA per month, from the taxonomy's data (matching/data/country.json). A
#: vacancy paying less gets a warning, not an error: many guards are paid below it and the employer may
#: still post the vacancy.
SMIG_FCFA_MONTH = get_taxonomy().minimum_wage_fcfa_month

#: Code of a vacancy created in the portal: the scheme of the exchange files' ids ("V-00001"), numbered across all
#: companies, so a vacancy made on a page looks like an imported one.
VACANCY_CODE = "V-{number:05d}"
#: How many times creating a vacancy tries the next code when a concurrent creation took the one it chose.
VACANCY_CODE_ATTEMPTS = 20
