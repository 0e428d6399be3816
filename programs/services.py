"""Writes: recording support one at a time, in bulk, and from an Excel file."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from households.audit import bulk_create_audited, bulk_update_audited, save_audited
from households.models import Household, Member
from households.rules import has_valid_health_card, is_locked_area, members_on
from households.selectors import locked_area_paths
from households.services import LockedYearError, ensure_year_open, locked_year_message
from households.types import User

from . import rules, selectors
from .models import Programme, SupportRecord


@dataclass
class SupportInput:
    programme: Programme
    date: date
    member: Member | None = None
    valid_until: datetime.date | None = None  # not `date`: the field above shadows the type
    amount: int | None = None
    quantity: Decimal | None = None
    note: str = ""
    override: bool = False
    override_note: str = ""


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def support_common_errors(data: SupportInput) -> dict[str, list[str]]:
    """The reasons to refuse a record that do not depend on the household (amount, quantity,
    dates): a bulk action checks them once for the whole batch."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    p = data.programme
    if data.amount is not None and data.amount < 0:
        add("amount", _("Số tiền không được âm."))
    if data.quantity is not None and data.quantity < 0:
        add("quantity", _("Số lượng không được âm."))
    if (p.valid_from and data.date < p.valid_from) or (p.valid_to and data.date > p.valid_to):
        add(
            "date",
            _("Ngày hỗ trợ nằm ngoài thời gian thực hiện của chương trình (%(start)s – %(end)s).")
            % {
                "start": _fmt(p.valid_from) if p.valid_from else "…",
                "end": _fmt(p.valid_to) if p.valid_to else "…",
            },
        )
    if data.valid_until is not None and data.valid_until < data.date:
        add("valid_until", _("Ngày hết hiệu lực phải sau ngày hỗ trợ."))
    if p.measure == Programme.Measure.VALIDITY and data.valid_until is None:
        add("valid_until", _("Chương trình này cần ngày hết hiệu lực (thẻ, khoản vay)."))
    return errors


def support_errors(
    *,
    household: Household,
    data: SupportInput,
    classifications: dict[int, str] | None = None,
    periods: dict[tuple, list[tuple]] | None = None,
) -> dict[str, list[str]]:
    """Every reason to refuse a record, by form field (empty = it may be saved).

    `classifications` (selectors.approved_classifications) and `periods`
    (selectors.support_periods), when given, spare the two queries per call of a long list."""
    errors = support_common_errors(data)

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    p = data.programme
    member = data.member
    if p.target == Programme.Target.MEMBER and member is None:
        add("member", _("Chương trình này hỗ trợ cho từng nhân khẩu: hãy chọn nhân khẩu."))
    if member is not None:
        if member.household_id != household.pk:
            add("member", _("Nhân khẩu không thuộc hộ này."))
        elif member.left_on is not None and member.left_on <= data.date:
            add(
                "member",
                _("%(name)s đã ra khỏi hộ ngày %(left)s, trước ngày hỗ trợ.")
                % {"name": member.full_name, "left": _fmt(member.left_on)},
            )
        elif member.joined_on is not None and member.joined_on > data.date:
            add(
                "member",
                _("%(name)s vào hộ ngày %(joined)s, sau ngày hỗ trợ.")
                % {"name": member.full_name, "joined": _fmt(member.joined_on)},
            )
    if errors:
        return errors
    if _duplicate(household=household, data=data, periods=periods):
        add(
            "member" if member else "date",
            _("Đã có hỗ trợ của chương trình này cho %(who)s trong cùng thời gian.")
            % {"who": member.full_name if member else _("hộ")},
        )
    facts = selectors.eligibility_facts(household, member, classifications=classifications)
    ok, reason = rules.eligibility(p.eligible_groups, facts, data.date)
    if not ok:
        if not data.override:
            add(
                "programme",
                reason
                + " "
                + _("Muốn vẫn ghi nhận, chọn “ghi nhận ngoài đối tượng” và ghi lý do."),
            )
        elif not data.override_note.strip():
            add("override_note", _("Ghi nhận ngoài đối tượng cần ghi rõ lý do."))
    return errors


def _duplicate(
    *,
    household: Household,
    data: SupportInput,
    periods: dict[tuple, list[tuple]] | None = None,
) -> bool:
    end = data.valid_until or data.date
    if periods is None:
        existing = SupportRecord.objects.filter(programme=data.programme, date__lte=end)
        existing = (
            existing.filter(member=data.member)
            if data.member
            else existing.filter(household=household, member__isnull=True)
        )
        recorded: Iterable[tuple[date, date | None]] = existing.values_list("date", "valid_until")
    else:
        key = (data.programme.pk, household.pk, data.member.pk if data.member else None)
        recorded = [(d, until) for d, until in periods.get(key, ()) if d <= end]
    return any(
        rules.periods_overlap(start, until, data.date, data.valid_until)
        for start, until in recorded
    )


def _update_card_facts(
    members: list[Member], valid_until: date | None, user: User | None
) -> list[Member]:
    """A health card recorded for a member is also a fact of the member (CS04 reads it)."""
    changed = []
    for m in members:
        expiry = m.health_insurance_expiry
        new_expiry = (
            valid_until if expiry is None or (valid_until and valid_until > expiry) else expiry
        )
        if m.has_health_insurance and expiry == new_expiry:
            continue
        if m.has_health_insurance and expiry is None:
            continue  # already a card without end
        m.has_health_insurance = True
        m.health_insurance_expiry = new_expiry
        changed.append(m)
    return changed


@transaction.atomic
def support_record_create(*, household: Household, data: SupportInput, user: User) -> SupportRecord:
    """Record one support; refuses with field messages and saves nothing on bad input."""
    errors = support_errors(household=household, data=data)
    if errors:
        raise ValidationError(errors)
    try:
        ensure_year_open(commune=household.commune, year=data.date.year)
    except LockedYearError as exc:
        raise ValidationError({"date": exc.messages}) from exc
    record = SupportRecord(
        programme=data.programme,
        household=household,
        member=data.member,
        date=data.date,
        valid_until=data.valid_until,
        amount=data.amount,
        quantity=data.quantity,
        note=data.note.strip(),
        eligibility_override=data.override and bool(data.override_note.strip()),
        override_note=data.override_note.strip() if data.override else "",
        entered_by=user,
    )
    try:
        with transaction.atomic():
            save_audited(record, user=user)
    except IntegrityError as exc:
        raise ValidationError(
            {"date": [_("Đã có hỗ trợ của chương trình này cho cùng đối tượng vào ngày này.")]}
        ) from exc
    if data.programme.kind == Programme.Kind.HEALTH_CARD and data.member is not None:
        for m in _update_card_facts([data.member], data.valid_until, user):
            save_audited(
                m, user=user, update_fields=["has_health_insurance", "health_insurance_expiry"]
            )
    return record


@dataclass
class BulkResult:
    created: int = 0
    skipped: int = 0
    refused: list[str] = field(default_factory=list)


@transaction.atomic
def support_bulk_create(
    *,
    households: QuerySet[Household],
    programme: Programme,
    on: date,
    valid_until: date | None,
    amount: int | None,
    quantity: Decimal | None,
    note: str,
    user: User | None,
) -> BulkResult:
    """One record per matching household (or per member who needs it), in one transaction.

    Member-level programmes go to the members living there on the date (health cards: those
    aged 6+ without a valid card; children's and working-age programmes: those in the group).
    Ineligible households and existing overlapping records are skipped, so re-running adds
    nothing. Bad common input (date, amount, validity) refuses the whole batch.
    """
    probe = SupportInput(
        programme=programme, date=on, valid_until=valid_until, amount=amount, quantity=quantity
    )
    common = support_common_errors(probe)
    if common:
        raise ValidationError(common)
    household_list = list(households.select_related(None).prefetch_related("members"))
    locked = locked_area_paths(on.year)
    if locked:
        refused = sorted(h.code for h in household_list if is_locked_area(h.area_path, locked))
        if refused:
            # All or nothing, as for bad common input: the officer narrows the selection.
            raise ValidationError(
                _("%(message)s Các hộ thuộc địa bàn đã khóa: %(codes)s.")
                % {"message": locked_year_message(on.year), "codes": ", ".join(refused[:20])}
            )
    classifications = selectors.approved_classifications(h.pk for h in household_list)
    end = valid_until or on
    existing = SupportRecord.objects.filter(
        programme=programme, household__in=[h.pk for h in household_list], date__lte=end
    ).filter(Q(valid_until__gte=on) | Q(valid_until__isnull=True, date__gte=on))
    taken_members = set(existing.exclude(member=None).values_list("member_id", flat=True))
    taken_households = set(existing.filter(member=None).values_list("household_id", flat=True))
    card_covered = set()
    if programme.kind == Programme.Kind.HEALTH_CARD:
        card_covered = set(
            SupportRecord.objects.filter(
                programme__kind=Programme.Kind.HEALTH_CARD,
                household__in=[h.pk for h in household_list],
                member__isnull=False,
                date__lte=on,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .values_list("member_id", flat=True)
        )
    result = BulkResult()
    records: list[SupportRecord] = []
    card_members: list[Member] = []
    person_groups = [g for g in programme.eligible_groups if g in rules.PERSON_GROUPS]
    for household in household_list:
        facts = rules.EligibilityFacts(
            classifications=classifications[household.pk],
            is_meritorious=household.is_meritorious,
        )
        ok, reason = rules.eligibility(programme.eligible_groups, facts, on)
        if not ok:
            result.refused.append(f"{household.code}: {reason}")
            continue
        if programme.target == Programme.Target.HOUSEHOLD:
            if household.pk in taken_households:
                result.skipped += 1
                continue
            targets: list[Member | None] = [None]
        else:
            targets = []
            for m in members_on(household.members.all(), on):
                if programme.kind == Programme.Kind.HEALTH_CARD:
                    if rules.age_on(m.date_of_birth, on) < rules.HEALTH_CARD_MIN_AGE:
                        continue
                    if has_valid_health_card(m, on) or m.pk in card_covered:
                        result.skipped += 1
                        continue
                if person_groups and not set(person_groups) & rules.person_groups(
                    m.date_of_birth, is_female=m.sex == Member.Sex.FEMALE, on=on
                ):
                    continue
                if m.pk in taken_members:
                    result.skipped += 1
                    continue
                targets.append(m)
        for member in targets:
            records.append(
                SupportRecord(
                    programme=programme,
                    household=household,
                    member=member,
                    date=on,
                    valid_until=valid_until,
                    amount=amount,
                    quantity=quantity,
                    note=note.strip(),
                    entered_by=user,
                )
            )
            if member is not None and programme.kind == Programme.Kind.HEALTH_CARD:
                card_members.append(member)
    if records:
        bulk_create_audited(records, SupportRecord, user=user)
    changed = _update_card_facts(card_members, valid_until, user)
    if changed:
        bulk_update_audited(
            changed, Member, ["has_health_insurance", "health_insurance_expiry"], user=user
        )
    result.created = len(records)
    return result


@dataclass(frozen=True)
class ImportRow:
    """One validated row of the HO_TRO sheet, as primitives (kept in the session for confirm)."""

    row: int
    household_id: int
    member_id: int | None
    programme_id: int
    date: str
    valid_until: str | None
    amount: int | None
    quantity: str | None
    note: str


@transaction.atomic
def support_import(*, rows: list[ImportRow], households: QuerySet[Household], user: User) -> int:
    """Write every row of a validated file, or none: re-validates each against the database."""
    allowed = {h.pk: h for h in households.filter(pk__in={r.household_id for r in rows})}
    programmes = Programme.objects.in_bulk({r.programme_id for r in rows})
    members = Member.objects.in_bulk({r.member_id for r in rows if r.member_id})
    errors = []
    for r in rows:
        household = allowed.get(r.household_id)
        if household is None:
            errors.append(_("Dòng %(row)s: không tìm thấy hộ trong địa bàn.") % {"row": r.row})
            continue
        try:
            support_record_create(
                household=household,
                data=SupportInput(
                    programme=programmes[r.programme_id],
                    member=members.get(r.member_id) if r.member_id else None,
                    date=date.fromisoformat(r.date),
                    valid_until=date.fromisoformat(r.valid_until) if r.valid_until else None,
                    amount=r.amount,
                    quantity=Decimal(r.quantity) if r.quantity else None,
                    note=r.note,
                ),
                user=user,
            )
        except ValidationError as exc:
            errors.extend(f"Dòng {r.row}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return len(rows)
