"""The import's write on PostgreSQL: COPY instead of the ORM's bulk_create (issue 4's speed).

Same result as the ORM path in services (which SQLite uses): new rows and their
simple_history rows ('+'), changed rows updated in place with their version bumped and a
history row ('~'), every history row carrying the importing user and one timestamp. Ids of
new rows come from the table's sequence in one query, so members and reviews reference their
household without a round trip. The caller owns the transaction (all or nothing).

History rows are copied by the server from the rows just written (INSERT ... SELECT), so they
are exactly what the table holds, as simple_history's bulk helpers record them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import JSONField
from psycopg import sql

from households import rules
from households.audit import require_user
from households.models import Household, HouseholdReview, Member
from households.workbook import normalize

from . import validation as v

HISTORY_EXTRA = ("history_id", "history_date", "history_change_reason", "history_type")


class Table:
    """A model's table: its columns in order and a row template of the fields' defaults."""

    def __init__(self, model):
        fields = model._meta.concrete_fields
        self.model = model
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.position = {f.column: i for i, f in enumerate(fields)}
        self.json = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
        template = [None if f.primary_key else f.get_default() for f in fields]
        for i in self.json:
            template[i] = _json(template[i])
        self.template = template
        # id(value) -> (value, its JSON): plan rows share their JSON values (validation
        # builds one "sources" dict per combination), so each is serialised once.
        self._json_memo: dict[int, tuple[object, str]] = {}
        history = model.history.model
        self.history = history._meta.db_table
        self.tracked = [
            f.column
            for f in history._meta.concrete_fields
            if f.name not in HISTORY_EXTRA and f.name != "history_user"
        ]

    def row(self, values: dict) -> list:
        row = self.template.copy()
        position = self.position
        for column, value in values.items():
            row[position[column]] = value
        for i in self.json:
            value = row[i]
            if not isinstance(value, str):
                row[i] = self.json_text(value)
        return row

    def json_text(self, value) -> str:
        memo = self._json_memo.get(id(value))
        if memo is None or memo[0] is not value:
            memo = self._json_memo[id(value)] = (value, _json(value))
        return memo[1]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reserve_ids(cursor, table: str, count: int) -> list[int]:
    """`count` new ids from the table's id sequence, in one query."""
    if not count:
        return []
    # The sequence is looked up once (per row, pg_get_serial_sequence costs 6x the nextval).
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(
        "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, count]
    )
    return cursor.fetchone()[0]


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _id_array(ids: list[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def history_insert(cursor, table: Table, where: sql.Composable, params: list, *, kind, now, user):
    """History rows for the rows of `table` matching `where`, copied from the table itself."""
    tracked = sql.SQL(", ").join(map(sql.Identifier, table.tracked))
    statement = sql.SQL(
        "INSERT INTO {history} ({tracked}, history_date, history_change_reason, history_type,"
        " history_user_id) SELECT {tracked}, %s, NULL, %s, %s FROM {table} WHERE {where}"
        " ORDER BY id"
    ).format(
        history=sql.Identifier(table.history),
        tracked=tracked,
        table=sql.Identifier(table.name),
        where=where,
    )
    require_user(user)
    cursor.execute(statement, [now, kind, user.id, *params])


def insert(cursor, table: Table, rows: list[list], ids: list[int], *, now, user) -> None:
    """COPY new rows (ids already set) and their '+' history rows."""
    if not rows:
        return
    copy_rows(cursor, table.name, table.columns, rows)
    where = sql.SQL("id = ANY(%s::bigint[])")
    history_insert(cursor, table, where, [_id_array(ids)], kind="+", now=now, user=user)


def update(
    cursor,
    table: Table,
    columns: list[str],
    rows: list[tuple],
    *,
    constants: dict,
    now,
    user,
) -> None:
    """Set `columns` from `rows` ((id, *values)) through a temp table and one UPDATE ... FROM;
    `constants` are set on every row; version goes up by one; then the '~' history rows."""
    if not rows:
        return
    temp = sql.Identifier(f"import_{table.name}")
    main = sql.Identifier(table.name)
    names = ["id", *columns]
    cursor.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            temp, sql.SQL(", ").join(map(sql.Identifier, names)), main
        )
    )
    copy_rows(cursor, f"import_{table.name}", names, rows)
    assignments = [
        sql.SQL("{} = t.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in columns
    ]
    params = []
    for column, value in constants.items():
        assignments.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
        params.append(value)
    if "version" in table.position:
        assignments.append(sql.SQL("version = {}.version + 1").format(main))
    cursor.execute(
        sql.SQL("UPDATE {} SET {} FROM {} t WHERE {}.id = t.id").format(
            main, sql.SQL(", ").join(assignments), temp, main
        ),
        params,
    )
    where = sql.SQL("id IN (SELECT id FROM {})").format(temp)
    history_insert(cursor, table, where, [], kind="~", now=now, user=user)
    cursor.execute(sql.SQL("DROP TABLE {}").format(temp))


def write(
    plan: v.Plan,
    *,
    user,
    year: int,
    now,
    rounds: dict,
    progress: Callable[[str, int], None] | None,
) -> None:
    """Write the plan's households, members and reviews (hamlets and rounds exist already)."""
    households = Table(Household)
    members = Table(Member)
    reviews = Table(HouseholdReview)
    user_id = user.id if user else None
    written = 0

    def advance(count: int) -> None:
        nonlocal written
        written += count
        if progress and count:
            progress("written", written)

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Households
        new = [p for p in plan.rows if p.household is None]
        ids = reserve_ids(cursor, households.name, len(new))
        by_code = {p.row.code: p.household.id for p in plan.rows if p.household is not None}
        rows = []
        for p, pk in zip(new, ids, strict=True):
            by_code[p.row.code] = pk
            rows.append(
                households.row(
                    {
                        **p.household_values,
                        "id": pk,
                        "code": p.row.code,
                        "area_path": p.commune.path,
                        "search_text": _search_text(p),
                        "created_by_id": user_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            )
        insert(cursor, households, rows, ids, now=now, user=user)
        del rows
        advance(len(new))
        changed_columns = [*v.HOUSEHOLD_FIELDS, "search_text", "area_path"]
        changed = [
            (
                p.household.id,
                *(p.household_values[f] for f in v.HOUSEHOLD_FIELDS),
                _search_text(p),
                p.commune.path,
            )
            for p in plan.rows
            if p.household is not None and p.household_changed
        ]
        update(
            cursor,
            households,
            changed_columns,
            changed,
            constants={"updated_at": now},
            now=now,
            user=user,
        )
        advance(len(changed))
        # Members
        new_members = [(by_code[p.row.code], m) for p in plan.rows for m in p.members_new]
        ids = reserve_ids(cursor, members.name, len(new_members))
        rows = [
            members.row(
                {
                    **m.as_dict(),
                    "id": pk,
                    "household_id": hid,
                    "full_name": m.full_name,
                    "search_name": normalize(m.full_name),
                    "date_of_birth": m.date_of_birth,
                }
            )
            for (hid, m), pk in zip(new_members, ids, strict=True)
        ]
        insert(cursor, members, rows, ids, now=now, user=user)
        del rows
        changed = [(existing.id, *m.values) for p in plan.rows for existing, m in p.members_changed]
        update(cursor, members, list(v.MEMBER_FIELDS), changed, constants={}, now=now, user=user)
        # Reviews
        new = [p for p in plan.rows if p.review_changed and p.review is None]
        ids = reserve_ids(cursor, reviews.name, len(new))
        rows = []
        for p, pk in zip(new, ids, strict=True):
            round_ = rounds[p.commune.id]
            rows.append(
                reviews.row(
                    {
                        **p.review_values,
                        "id": pk,
                        "household_id": by_code[p.row.code],
                        "round_id": round_.id,
                        "area_id": p.commune.id,
                        "area_path": p.commune.path,
                        "year": year,
                        "reference_date": round_.reference_date,
                        "status": HouseholdReview.Status.DRAFT.value,
                        "entered_by_id": user_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            )
        insert(cursor, reviews, rows, ids, now=now, user=user)
        del rows
        advance(len(new))
        json_fields = {"sources", "reasons", "overrides"}
        changed = [
            (
                p.review.id,
                *(
                    _json(p.review_values[f]) if f in json_fields else p.review_values[f]
                    for f in v.REVIEW_FIELDS
                ),
            )
            for p in plan.rows
            if p.review_changed and p.review is not None
        ]
        update(
            cursor,
            reviews,
            list(v.REVIEW_FIELDS),
            changed,
            constants={
                "status": HouseholdReview.Status.DRAFT.value,
                "entered_by_id": user_id,
                "updated_at": now,
            },
            now=now,
            user=user,
        )
        advance(len(changed))


def _search_text(p: v.RowPlan) -> str:
    return rules.household_search_text(p.household_values["head_name"], p.row.code, normalize)
