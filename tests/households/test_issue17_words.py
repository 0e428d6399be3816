"""Issue 17, findings 4, 5 and 8: text for people, and entry that does not invite errors.

Names family name first, the UI language, Django's Vietnamese messages, the history's labels,
file names of downloads, dates typed dd/mm/yyyy, groups of boxes, the forgotten password.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from households.models import Agency, Household, StaffProfile
from households.organisation.rules import committee_name, person_name, unit_name_in_text
from households.rules import file_slug
from tests.conftest import PASSWORD, login

from .conftest import household_make
from .test_views import household_post

pytestmark = pytest.mark.django_db


def _vietnamese_names(user, family="Trần Thị", given="Tỉnh"):
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


# --- finding 4: names the Vietnamese way ------------------------------------------------------


def test_person_name_puts_the_family_name_first():
    assert person_name(family="Trần Thị", given="Tỉnh", username="province") == "Trần Thị Tỉnh"
    assert person_name(family="", given="", username="admin") == "admin"
    assert person_name(family=" Lê ", given="", username="x") == "Lê"


def test_greeting_and_header_show_family_name_first(client, alice):
    _vietnamese_names(alice)
    body = login(client, alice).get(reverse("home")).content.decode()
    assert "Xin chào, Trần Thị Tỉnh" in body
    assert "Tỉnh Trần Thị" not in body


def test_household_history_names_the_officer_family_name_first(client, alice):
    _vietnamese_names(alice, "Nguyễn Thị", "Xã")
    client = login(client, alice)
    response = client.post(reverse("households:create"), household_post(_an_duc(), members=[]))
    assert response.status_code == 302
    household = Household.objects.get(code="BT-NEW-1")
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Nguyễn Thị Xã" in page
    assert "Xã Nguyễn Thị" not in page


def test_demo_users_store_the_family_name_in_last_name():
    from households.organisation.demo import demo_users_create

    demo_users_create(password=PASSWORD)
    user = get_user_model().objects.get(username="province")
    assert (user.last_name, user.first_name) == ("Trần Thị", "Tỉnh")
    assert str(StaffProfile.objects.get(user=user)) == "Trần Thị Tỉnh"


def _an_duc():
    from households.models import Area

    return Area.objects.get(code="29173")


# --- finding 5: text that is not for people ---------------------------------------------------


def test_history_says_created_and_changed_in_vietnamese_with_human_values(client, alice):
    client = login(client, alice)
    client.post(reverse("households:create"), household_post(_an_duc(), members=[]))
    household = Household.objects.get(code="BT-NEW-1")
    household.is_meritorious = True
    household._history_user = alice
    household.save()
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    history = page[page.index('id="history-head"') :]
    assert "(Tạo mới)" in history
    assert "(Sửa)" in history
    assert "(Created)" not in history
    assert "(Changed)" not in history
    assert "Không → Có" in history
    assert "False" not in history
    assert "True" not in history


def test_history_in_english_when_chosen(client, alice):
    client = login(client, alice)
    client.post(reverse("households:create"), household_post(_an_duc(), members=[]))
    household = Household.objects.get(code="BT-NEW-1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "(Created)" in page


@pytest.mark.parametrize(
    ("declared_size", "message"),
    [
        ("abc", "Nhập một số nguyên."),
        ("-1", "Giá trị phải lớn hơn hoặc bằng 0."),
    ],
)
def test_django_messages_in_correct_vietnamese(client, alice, declared_size, message):
    data = household_post(_an_duc(), members=[], declared_size=declared_size)
    body = login(client, alice).post(reverse("households:create"), data).content.decode()
    assert message in body
    assert "tổng thể" not in body
    assert "bằng với" not in body
    assert not Household.objects.filter(code="BT-NEW-1").exists()


def test_committee_names_keep_the_unit_type_in_lower_case():
    assert unit_name_in_text("Huyện Ba Tri") == "huyện Ba Tri"
    assert unit_name_in_text("Thành phố Bến Tre") == "thành phố Bến Tre"
    assert committee_name("Xã An Đức") == "Ủy ban nhân dân xã An Đức"
    ba_tri = Agency.objects.get(code="UBND-836")
    assert (ba_tri.name, ba_tri.short_name) == (
        "Ủy ban nhân dân huyện Ba Tri",
        "UBND huyện Ba Tri",
    )


def test_file_slug_is_ascii_and_readable():
    assert file_slug("Biểu 01 Tổng hợp – Xã Đại Điền, 2026") == "bieu-01-tong-hop-xa-dai-dien-2026"


def test_template_lists_sheet_has_vietnamese_headers(client, alice):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(client, alice).get(reverse("households:import-template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content))["DANH_MUC"]
    headers = [c.value for c in sheet[1] if c.value]
    assert "Quan hệ với chủ hộ" in headers
    assert all(re.search(r"[A-ZÀ-Ỹ]", h[0]) for h in headers), headers
    assert not [h for h in headers if re.fullmatch(r"[a-z_]+", h)], headers


# --- finding 8: the UI language is chosen, not taken from the browser --------------------------


def test_english_browser_gets_the_vietnamese_ui(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Log in" not in body
    assert response["Content-Language"] == "vi"


def test_the_users_choice_of_english_is_kept(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Log in" in body


# --- finding 8: dates typed dd/mm/yyyy --------------------------------------------------------


def test_member_birth_date_is_a_text_field_shown_day_first(client, alice):
    household = household_make()
    page = (
        login(client, alice).get(reverse("households:edit", args=[household.pk])).content.decode()
    )
    field = re.search(r'<input[^>]*name="members-0-date_of_birth"[^>]*>', page).group(0)
    assert 'type="text"' in field
    assert 'value="01/01/1989"' in field
    assert 'placeholder="dd/mm/yyyy"' in field
    assert 'type="date"' not in page


def test_birth_date_typed_day_first_is_read_day_first_even_in_english(client, alice):
    client = login(client, alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    members = [{"full_name": "Trần Văn Bốn", "date_of_birth": "05/06/1980"}]
    response = client.post(reverse("households:create"), household_post(_an_duc(), members=members))
    assert response.status_code == 302
    member = Household.objects.get(code="BT-NEW-1").members.get()
    assert member.date_of_birth.isoformat() == "1980-06-05"


def test_a_wrong_date_is_explained(client, alice):
    members = [{"full_name": "Trần Văn Bốn", "date_of_birth": "31/02/1980"}]
    body = (
        login(client, alice)
        .post(reverse("households:create"), household_post(_an_duc(), members=members))
        .content.decode()
    )
    assert "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/1980." in body
    assert not Household.objects.filter(code="BT-NEW-1").exists()


def test_no_native_date_input_left_in_any_form():
    from django import forms as django_forms

    from households import forms as h_forms
    from programs import forms as p_forms
    from targets import forms as t_forms

    for module in (h_forms, p_forms, t_forms):
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, django_forms.BaseForm)):
                continue
            for name, field in form.base_fields.items():
                if isinstance(field, django_forms.DateField):
                    assert isinstance(field, h_forms.DayMonthYearField), (form, name)
                    assert field.widget.input_type == "text", (form, name)


# --- finding 8: the causes of poverty are a group with a legend -------------------------------


def test_poverty_causes_are_a_fieldset_with_a_legend(client, alice):
    page = login(client, alice).get(reverse("households:create")).content.decode()
    assert 'for=""' not in page
    group = re.search(r"<fieldset[^>]*>\s*<legend>Nguyên nhân nghèo.*?</fieldset>", page, re.S)
    assert group, "no fieldset for Nguyên nhân nghèo"
    assert 'type="checkbox" name="poverty_causes"' in group.group(0)


# --- finding 8 (item 10): forgotten password --------------------------------------------------


def test_password_reset_by_email_then_login_with_the_new_password(client, alice):
    _vietnamese_names(alice, "Nguyễn Thị", "An")
    alice.email = "alice@example.vn"
    alice.save(update_fields=["email"])
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page
    assert "Quên mật khẩu?" in login_page

    response = client.post(reverse("password_reset"), {"email": "ALICE@example.vn"})
    assert response.status_code == 302
    assert "Đã gửi thư đặt lại mật khẩu" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.vn"]
    assert message.subject == "[Giảm nghèo] Đặt lại mật khẩu"
    assert "Kính gửi Nguyễn Thị An," in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/dat-lai-mat-khau/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    new = "mat-khau-moi-2026-rat-dai"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert "Đã đặt mật khẩu mới" in client.get(done["Location"]).content.decode()
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert "không còn dùng được" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# --- finding 8: the next household code is suggested ------------------------------------------


def test_household_code_next_follows_the_communes_numbering():
    from households.rules import household_code_after, household_code_next

    assert household_code_next(["BT-0001", "BT-0002", "X9"], fallback_prefix="29173-") == "BT-0003"
    assert household_code_next([], fallback_prefix="29173-") == "29173-0001"
    assert household_code_next(["G2329173000099"], fallback_prefix="") == "G2329173000100"
    assert household_code_after("BT-0099") == "BT-0100"
    assert household_code_after("ABC") == "ABC-1"


def test_new_household_form_suggests_the_next_code_still_editable(client, alice):
    household_make(code="BT-0001")
    household_make(code="BT-0002", head="Lê Văn Hai")
    page = login(client, alice).get(reverse("households:create")).content.decode()
    field = re.search(r'<input[^>]*name="code"[^>]*>', page).group(0)
    assert 'value="BT-0003"' in field
    assert "readonly" not in field
    assert "Gợi ý mã tiếp theo của xã; có thể sửa." in page


def test_code_suggestion_for_a_commune_and_the_outsiders_404(client, alice, charlie):
    household_make(code="BT-0007")
    url = reverse("households:code-suggestion")
    response = login(client, alice).get(url, {"commune": _an_duc().pk})
    assert response.json() == {"code": "BT-0008"}
    assert login(client, charlie).get(url, {"commune": _an_duc().pk}).status_code == 404
    assert client.get(url, {"commune": "x"}).status_code == 404


def test_a_code_already_used_is_still_refused(client, alice):
    household_make(code="BT-0001")
    data = household_post(_an_duc(), members=[], code="BT-0001")
    body = login(client, alice).post(reverse("households:create"), data).content.decode()
    assert "Mã hộ này đã có trong tỉnh. Hãy dùng mã khác" in body
    assert Household.objects.filter(code="BT-0001").count() == 1


# --- finding 8: the 54 ethnic groups ------------------------------------------------------------


def test_the_54_ethnic_groups_are_reference_data():
    from households.models import EthnicGroup

    assert EthnicGroup.objects.count() == 54
    assert list(EthnicGroup.objects.values_list("code", "name")[:5]) == [
        ("01", "Kinh"),
        ("02", "Tày"),
        ("03", "Thái"),
        ("04", "Hoa"),
        ("05", "Khơ-me"),
    ]
    assert list(EthnicGroup.objects.filter(is_minority=False).values_list("name", flat=True)) == [
        "Kinh"
    ]


def test_old_spellings_match_the_list():
    from households.selectors import ethnic_groups_get

    groups = ethnic_groups_get()
    assert groups.official_name("Khmer") == "Khơ-me"
    assert groups.official_name("khơ me") == "Khơ-me"
    assert groups.official_name("  KINH ") == "Kinh"
    assert groups.official_name("H'Mông") == "Mông"
    assert groups.official_name("Người sao Hỏa") is None
    assert groups.is_minority_household("Hoa") is True
    assert groups.is_minority_household("Kinh") is False
    assert groups.is_minority_household("không rõ") is None


def test_member_form_offers_the_list_and_the_head_decides_the_minority_flag(client, alice):
    client = login(client, alice)
    page = client.get(reverse("households:create")).content.decode()
    select = re.search(r'<select[^>]*name="members-__prefix__-ethnicity".*?</select>', page, re.S)
    assert select.group(0).count("<option") == 54
    assert '<option value="Kinh" selected>' in select.group(0)
    members = [{"full_name": "Thạch Thị Sa", "sex": "F", "date_of_birth": "02/03/1985",
                "ethnicity": "Khơ-me"}]  # fmt: skip
    response = client.post(reverse("households:create"), household_post(_an_duc(), members=members))
    assert response.status_code == 302
    household = Household.objects.get(code="BT-NEW-1")
    assert household.is_ethnic_minority is True


def test_a_value_outside_the_list_is_refused_for_a_new_member(client, alice):
    members = [{"full_name": "Trần Văn Bốn", "date_of_birth": "01/01/1980", "ethnicity": "Sao Hỏa"}]
    body = (
        login(client, alice)
        .post(reverse("households:create"), household_post(_an_duc(), members=members))
        .content.decode()
    )
    assert "Lựa chọn không hợp lệ: Sao Hỏa không có trong danh sách." in body
    assert not Household.objects.filter(code="BT-NEW-1").exists()


def test_an_old_free_text_value_stays_readable_and_is_kept_on_save(client, alice):
    household = household_make()
    head = household.members.get()
    head.ethnicity = "Người Chơ Ro cũ"
    head.save()
    page = login(client, alice).get(reverse("households:edit", args=[household.pk])).content
    assert "Người Chơ Ro cũ (ngoài danh mục)" in page.decode()
    head.ethnicity = "Khmer"
    head.save()
    page = client.get(reverse("households:edit", args=[household.pk])).content.decode()
    option = re.search(r'<option value="Khơ-me"[^>]*>', page).group(0)
    assert "selected" in option


def test_an_agency_is_named_one_way(client, pat):
    from targets.reference_data import plan_2023_load

    plan_2023_load()
    ldtbxh = Agency.objects.get(code="SLDTBXH")
    assert str(ldtbxh) == "Sở Lao động - Thương binh và Xã hội"
    body = login(client, pat).get(reverse("targets:plan-list")).content.decode()
    assert "Sở Lao động - Thương binh và Xã hội" in body
    assert "Sở LĐ-TB&amp;XH" not in body
    home = client.get(reverse("home")).content.decode()
    assert "Bạn là cán bộ Sở Lao động - Thương binh và Xã hội" in home


def test_admin_lists_show_plain_years(client, household):
    from households.models import ReviewRound

    ReviewRound.objects.create(
        area=household.commune, year=2024, kind="periodic", month=0, reference_date="2024-09-01"
    )
    root = get_user_model().objects.create_superuser("root", "root@example.vn", PASSWORD)
    client.force_login(root)
    page = client.get(reverse("admin:households_reviewround_changelist")).content.decode()
    assert ">2024<" in page
    assert "2.024" not in page


def test_the_new_password_is_checked_in_plain_vietnamese(client, alice):
    alice.email = "alice@example.vn"
    alice.save(update_fields=["email"])
    client.post(reverse("password_reset"), {"email": "alice@example.vn"})
    link = re.search(r"https?://[^/\s]+(/accounts/dat-lai-mat-khau/\S+)", mail.outbox[0].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    body = client.post(form_url, {"new_password1": "12345", "new_password2": "12346"}).content
    assert "Hai mật khẩu vừa nhập không giống nhau." in body.decode()
    body = client.post(form_url, {"new_password1": "1234", "new_password2": "1234"}).content
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in body.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
