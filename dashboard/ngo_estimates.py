"""The NGO estimates the essay (Hynes 2022) sets against the report's "some", with their denominators.

These are figures quoted in the essay, not report text; each keeps the essay's citation and says
what it is a share of, because 50% and 15% are shares of the *trafficked*, not of all women.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """One estimate as quoted in the essay: low-high percent (or an amount), its denominator and source."""

    label: str
    low: float | None            # percent; None for an amount
    high: float | None
    amount: str                  # printed figure ("60%", "70-80%", "$105 million a year")
    denominator: str
    quote: str
    source: str                  # who estimated it, as cited in the essay
    basis: str                   # "all female refugees", "the trafficked", "amount"


ESTIMATES: tuple[Estimate, ...] = (
    Estimate(
        label="Korea Future Initiative (2019)",
        low=60, high=60, amount="60%",
        denominator="female North Korean refugees in China",
        quote="60 percent of female North Korean refugees in China are trafficked into the sex trade",
        source="Korea Future Initiative, quoted in Choe (2019), New York Times",
        basis="all female refugees",
    ),
    Estimate(
        label="Korean NGOs (2019)",
        low=70, high=80, amount="70-80%",
        denominator="female North Korean refugees in China",
        quote="70% to 80%",
        source="Korean NGOs, quoted in Zaugg (2019), CNN",
        basis="all female refugees",
    ),
    Estimate(
        label="Prostitution (KFI 2019)",
        low=50, high=50, amount="about 50%",
        denominator="North Korean women and girls in China who were trafficked into the sex trade",
        quote="close to 50% are forced into prostitution",
        source="Yoon (2019), Korea Future Initiative, Sex Slaves",
        basis="the trafficked",
    ),
    Estimate(
        label="Cybersex (KFI 2019)",
        low=15, high=15, amount="15%",
        denominator="North Koreans sex-trafficked in China",
        quote="15 percent [are] forced to engage in cybersex",
        source="Korea Future Initiative testimonies, quoted in Enos & Kim (2019), Providence",
        basis="the trafficked",
    ),
    Estimate(
        label="Annual earnings (KFI 2019)",
        low=None, high=None, amount="$105 million a year",
        denominator="not a share: money earned each year from the sale of North Korean women and girls",
        quote="$105,000,000 United States Dollars [are earned] annually from the sale of female North Korean bodies",
        source="Yoon (2019), Korea Future Initiative, Sex Slaves",
        basis="amount",
    ),
)

ESSAY_CITATION = (
    "Kristin Hynes, North Korean Female Defectors in China: Human Trafficking and Exploitation, "
    "E-International Relations, 9 August 2022"
)
ESSAY_URL = "https://www.e-ir.info/2022/08/09/north-korean-female-defectors-in-china-human-trafficking-and-exploitation/"
