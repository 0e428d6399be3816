"""Issue 17, finding 5: the official tables download under Vietnamese names, and the years of
every year select are plain years ("2023", not "2.023")."""

import re
from urllib.parse import unquote

from django.urls import reverse

from tests.conftest import login


def test_official_table_file_name_is_vietnamese(client, pat, rebuilt):
    response = login(client, pat).get(
        reverse("reports:official"), {"year": 2023, "area": "836", "table": "summary"}
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert ascii_name == (
        "bieu-01-tong-hop-ket-qua-ra-soat-ho-ngheo-ho-can-ngheo-huyen-ba-tri-2023.xlsx"
    )
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert utf8_name == (
        "Biểu 01 Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo - Huyện Ba Tri - 2023.xlsx"
    )
    assert "summary" not in disposition


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_year_selects_show_plain_years(client, pat, rebuilt):
    client = login(client, pat)
    official = client.get(reverse("reports:official")).content.decode()
    assert "2023" in _options(official, "id_year")
    jobs = client.get(reverse("reports:jobs")).content.decode()
    labels = _options(jobs, "id_year")
    assert "2023" in labels
    assert not [label for label in labels if re.fullmatch(r"\d\.\d{3}", label)], labels
