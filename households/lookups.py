"""`field__any_of=[...]` on PostgreSQL: `field = ANY(%s::type[])`, the values as one array.

A long `field__in=[...]` list becomes one placeholder per value (20,000 to build, send and
parse) and a `IN (SELECT unnest(...))` misleads the planner (it guesses the set's size); an
array literal is one parameter whose size the planner sees. PostgreSQL only: callers use `__in`
in chunks elsewhere.
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return ("%s", [[field.get_db_prep_value(v, connection) for v in value]])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        array_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY({rhs}::{array_type}[])", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep their own lookup table
