"""The organisation: the area tree, agencies, staff profiles, roles, and area scoping."""
