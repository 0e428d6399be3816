"""Demo users for `make run` (never for production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from households.models import Agency, Area, StaffProfile

from . import roles


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    area_codes: tuple[str, ...] = ()
    agency_code: str = ""
    description: str = ""


DEMO_USERS = (
    DemoUser(
        "province",
        "Trần Thị Tỉnh",
        roles.PROVINCIAL_STAFF,
        description="Cán bộ sở chủ trì giảm nghèo: toàn tỉnh, kế hoạch, báo cáo",
        agency_code="SNNMT",
    ),
    DemoUser(
        "district-batri",
        "Lê Văn Huyện",
        roles.AREA_OFFICER,
        ("836",),
        description="Cán bộ huyện Ba Tri (đến 30/6/2025): xem lịch sử các xã của Ba Tri",
    ),
    DemoUser(
        "commune-anduc",
        "Nguyễn Thị Xã",
        roles.AREA_OFFICER,
        ("29110-2025",),
        description="Cán bộ Xã Ba Tri (gồm Xã An Đức cũ): nhập phiếu rà soát",
    ),
    DemoUser(
        "commune-phukhuong",
        "Đặng Văn Phường",
        roles.AREA_OFFICER,
        ("28756-2025",),
        description="Cán bộ Phường Phú Khương: nhập phiếu rà soát",
    ),
    DemoUser(
        "district-thanhphu",
        "Phạm Văn Thạnh",
        roles.AREA_OFFICER,
        ("837",),
        description="Cán bộ huyện Thạnh Phú",
    ),
    DemoUser(
        "agency-syte",
        "Võ Thị Y Tế",
        roles.AGENCY_STAFF,
        agency_code="SYT",
        description="Cán bộ Sở Y tế: cập nhật nhiệm vụ được giao",
    ),
    DemoUser(
        "admin",
        "Quản trị hệ thống",
        roles.ADMINISTRATOR,
        description="Quản trị viên: danh mục, người dùng",
    ),
)


@transaction.atomic
def demo_users_create(*, password: str) -> list[DemoUser]:
    User = get_user_model()
    for demo in DEMO_USERS:
        first, _sep, last = demo.full_name.rpartition(" ")
        user, _created = User.objects.get_or_create(username=demo.username)
        user.last_name, user.first_name = first, last
        user.email = f"{demo.username}@example.invalid"
        user.is_staff = demo.role in (roles.ADMINISTRATOR, roles.PROVINCIAL_STAFF)
        user.is_superuser = demo.role == roles.ADMINISTRATOR
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=demo.role)])
        profile, _created = StaffProfile.objects.get_or_create(user=user)
        profile.agency = (
            Agency.objects.filter(code=demo.agency_code).first() if demo.agency_code else None
        )
        profile.title = demo.description
        profile.save()
        profile.areas.set(Area.objects.filter(code__in=demo.area_codes))
    return list(DEMO_USERS)
