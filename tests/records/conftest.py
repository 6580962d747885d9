"""The register of the reporting tests (tests/reporting/conftest.py): gallring is run over the
same SCB edge cases, so that every statistic can be compared before and after."""

from tests.reporting.conftest import build, register  # noqa: F401  (fixtures)
