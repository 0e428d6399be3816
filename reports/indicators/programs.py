"""Programmes family: coverage of the support programmes (programs.selectors).

The programs app counts, per commune and year, a numerator and a denominator for each coverage
figure (see `programs.selectors.coverage_counts_by_commune`, measured on 31 December of the
year). A coverage ratio is modelled as two COUNT indicators, `<code>_num` and `<code>_den`,
summed up the area tree, and a RATIO with the public code (e.g. `health_insurance_coverage`, %)
formed after the roll-up, so that a district's coverage is its communes' numerators over their
denominators. The worker figures are plain counts of persons (their denominator is 0).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from programs.selectors import coverage_counts_by_commune

from .base import Counts, Good, Indicator, Kind, Unit

H, P, PCT = Unit.HOUSEHOLDS, Unit.PERSONS, Unit.PERCENT

# public code, ratio name, numerator name, denominator name, unit of the counts
RATIOS = (
    ("health_insurance_coverage", _("Tỷ lệ hộ nghèo, cận nghèo có thẻ BHYT"),
     _("Hộ nghèo, cận nghèo có đủ thẻ BHYT còn hạn"), _("Hộ nghèo, cận nghèo"), H),
    ("credit_coverage", _("Tỷ lệ hộ có nhu cầu được vay vốn chính sách"),
     _("Hộ đủ điều kiện có nhu cầu đã được vay vốn"), _("Hộ đủ điều kiện có nhu cầu vay vốn"), H),
    ("tuition_exemption_coverage", _("Tỷ lệ trẻ em hộ nghèo, cận nghèo được miễn giảm học phí"),
     _("Trẻ em hộ nghèo, cận nghèo được miễn giảm học phí"),
     _("Trẻ em trong độ tuổi đi học thuộc hộ nghèo, cận nghèo"), P),
    ("meritorious_poor_supported", _("Tỷ lệ hộ nghèo người có công được hỗ trợ"),
     _("Hộ nghèo người có công được hỗ trợ"), _("Hộ nghèo người có công"), H),
)  # fmt: skip
COUNTS = (
    ("workers_trained", _("Số lao động được đào tạo nghề")),
    ("workers_placed", _("Số lao động được giải quyết việc làm")),
    ("workers_abroad", _("Số lao động đi làm việc ở nước ngoài")),
)


def _indicators() -> tuple[Indicator, ...]:
    items: list[Indicator] = []
    for code, name, num_name, den_name, unit in RATIOS:
        items.append(Indicator(f"{code}_num", num_name, unit, Good.UP))
        items.append(Indicator(f"{code}_den", den_name, unit))
        items.append(Indicator(code, name, PCT, Good.UP, Kind.RATIO, f"{code}_num", f"{code}_den"))
    items += [Indicator(code, name, P, Good.UP) for code, name in COUNTS]
    return tuple(items)


INDICATORS = _indicators()
RATIO_CODES = tuple(code for code, *_rest in RATIOS)
COUNT_CODES = tuple(code for code, _name in COUNTS)


def compute(year: int) -> Counts:
    """Every count of the family per commune, from the programs app's set-based coverage."""
    counts: Counts = {}
    for commune, figures in coverage_counts_by_commune(year).items():
        for code in RATIO_CODES:
            num, den = figures.get(code, (0, 0))
            counts[(f"{code}_num", commune)] = num
            counts[(f"{code}_den", commune)] = den
        for code in COUNT_CODES:
            counts[(code, commune)] = figures.get(code, (0, 0))[0]
    return counts
