"""Business figures the employers domain checks against (kept here, out of the code that uses them)."""

from __future__ import annotations

#: Mali's minimum wage (SMIG), in FCFA per month, in force since 1 January 2016 (shared/domain/FACTS.md,
#: "Mali: regulation and work"). A vacancy paying less gets a warning, not an error: many guards are paid
#: below it and the employer may still post the vacancy.
SMIG_FCFA_MONTH = 40_000

#: Code of a vacancy created in the portal: the company's id and the vacancy's number within the company.
VACANCY_CODE = "V-{employer_id}-{number}"
