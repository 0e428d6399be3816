"""make deploy-check: what is wrong with a production environment, in plain words."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_a_development_environment_is_refused_with_reasons(settings, tmp_path, capsys):
    settings.SECRET_KEY = "dev-only"
    settings.ALLOWED_HOSTS = ["*"]
    settings.CELERY_BROKER_URL = "memory://"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_ROOT = tmp_path / "backups"
    with pytest.raises(CommandError, match="mục cần sửa"):
        call_command("deploy_check")
    out = capsys.readouterr().out
    assert "[LỖI] DJANGO_SECRET_KEY: chưa đặt khóa bí mật thật" in out
    assert "[LỖI] DJANGO_ALLOWED_HOSTS: phải liệt kê tên miền" in out
    assert "[LỖI] CELERY_BROKER_URL: chưa đặt Redis" in out
    assert "[LỖI] DJANGO_EMAIL_BACKEND: thư điện tử chỉ in ra màn hình" in out
    assert "[OK ] MEDIA_ROOT" in out


@pytest.mark.django_db
def test_media_inside_the_code_or_unwritable_is_reported(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "media"
    blocked = tmp_path / "ro"
    blocked.mkdir()
    (blocked / "file").write_text("")
    settings.BACKUP_ROOT = blocked / "file" / "backups"  # a file where a folder must go
    with pytest.raises(CommandError):
        call_command("deploy_check")
    out = capsys.readouterr().out
    assert "[LỖI] MEDIA_ROOT:" in out
    assert "nằm trong thư mục mã nguồn" in out
    assert "[LỖI] BACKUP_ROOT: không ghi được" in out
