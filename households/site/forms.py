from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import login_limits


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
        "username_limited": _(
            "Tên đăng nhập này đã bị thử sai quá nhiều lần (từ nhiều máy khác nhau), nên tạm "
            "dừng đăng nhập bằng tên này trong %(minutes)s phút, kể cả với mật khẩu đúng. Nếu "
            "cần đăng nhập ngay, hãy nhờ quản trị viên mở khóa."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def clean(self):
        # Before the password is checked: a limited username is refused whatever the password
        # (and whether or not the account exists), and the refusal is not one more failure.
        username = self.cleaned_data.get("username")
        if username and login_limits.username_limited(username):
            raise ValidationError(
                self.error_messages["username_limited"],
                code="username_limited",
                params={"minutes": login_limits.window_minutes()},
            )
        return super().clean()


class PasswordResetByEmailForm(PasswordResetForm):
    """ "Quên mật khẩu": the e-mail address of the account (Django sends the link to every
    active account with that address and a usable password, and to nobody otherwise)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Địa chỉ thư điện tử của tài khoản")
        self.fields["email"].help_text = _(
            "Địa chỉ đã đăng ký với quản trị viên. Không nhớ địa chỉ: liên hệ quản trị viên."
        )
