import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from households.models import Agency, Area
from households.organisation.selectors import area_get_for_user
from households.reference_data import reference_data_load
from households.selectors import household_list_for_user

pytestmark = pytest.mark.django_db


def test_area_tree_loads_from_the_csv():
    # Bến Tre of 2023 (83) and Vĩnh Long of 2025 (86): two trees, each valid in its time
    assert list(Area.objects.filter(level="province").values_list("code", flat=True)) == [
        "83",
        "86",
    ]
    assert Area.objects.filter(level="district").count() == 9
    communes = Area.objects.filter(level="commune", path__startswith="83/")
    assert communes.count() == 157
    assert communes.filter(kind="phuong").count() == 8
    assert communes.filter(kind="thi_tran").count() == 10
    assert communes.filter(kind="xa").count() == 139
    an_duc = Area.objects.get(code="29173")
    assert an_duc.name == "Xã An Đức"
    assert an_duc.parent.name == "Huyện Ba Tri"
    assert an_duc.path == "83/836/29173/"
    assert an_duc.depth == 2


def test_loading_twice_changes_nothing():
    before = (Area.objects.count(), Agency.objects.count())
    results = reference_data_load()
    assert (Area.objects.count(), Agency.objects.count()) == before
    assert results["areas"].created == 0
    assert results["areas"].updated == 0


def test_load_reference_data_command_is_idempotent(capsys):
    call_command("load_reference_data")
    call_command("load_reference_data")
    out = capsys.readouterr().out
    # 167 units of 2023 and their 3 dated type changes; 125 units of 2025
    assert "areas: 0 mới, 0 cập nhật, 170 không đổi" in out
    assert "areas_2025: 0 mới, 0 cập nhật, 125 không đổi" in out
    assert Area.objects.count() == 167 + 125


def test_agencies_are_departments_with_validity_and_the_committees_of_both_trees():
    departments = Agency.objects.filter(kind="department")
    assert departments.count() == 15
    # Decree 45/2025/NĐ-CP: 11 departments in force after the 2025 mergers
    assert departments.filter(valid_to__isnull=True).count() == 11
    assert Agency.objects.filter(kind="district_committee", valid_to__isnull=False).count() == 9
    assert Agency.objects.filter(kind="commune_committee").count() == 124
    lead = Agency.objects.get(is_lead=True)
    assert (lead.code, lead.name) == ("SNNMT", "Sở Nông nghiệp và Môi trường")
    assert Agency.objects.get(code="SLDTBXH").successor == lead


def test_a_town_of_2023_keeps_its_former_type():
    tiem_tom = Area.objects.get(code="29179")
    assert tiem_tom.kind == "thi_tran"
    assert tiem_tom.former_kind == "xa"


def test_officer_scoping_own_area_yes_other_district_404(bob):
    from django.http import Http404

    assert area_get_for_user(bob, code="29173").name == "Xã An Đức"
    with pytest.raises(Http404):
        area_get_for_user(bob, code="29182")  # Thị trấn Thạnh Phú
    assert household_list_for_user(bob).count() == 0


def test_agency_staff_and_users_without_role_see_no_area(agnes, nobody):
    from django.http import Http404

    for user in (agnes, nobody):
        with pytest.raises(Http404):
            area_get_for_user(user, code="29173")


def test_provincial_staff_see_every_area(pat):
    assert area_get_for_user(pat, code="29182").name == "Thị trấn Thạnh Phú"


def test_login_page_is_vietnamese_and_logs_in(client, alice):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "Xin chào" in home.content.decode()
    assert "Xã An Đức" in home.content.decode()


def test_wrong_password_shows_a_vietnamese_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("pat", "cán bộ Sở Lao động - Thương binh và Xã hội"),
        ("alice", "cán bộ địa bàn"),
        ("agnes", "Sở Y tế"),
        ("nobody", "chưa được phân vai trò"),
    ],
)
def test_home_fits_the_role(client, request, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    assert expected in client.get(reverse("home")).content.decode()


def test_english_is_available(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Hello" in client.get("/").content.decode()


def test_production_settings_refuse_a_missing_secret():
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "x",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
