from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


class PasswordResetByEmailForm(PasswordResetForm):
    """ "Quên mật khẩu": the e-mail address of the account (Django sends the link to every
    active account with that address and a usable password, and to nobody otherwise)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Địa chỉ thư điện tử của tài khoản")
        self.fields["email"].help_text = _(
            "Địa chỉ đã đăng ký với quản trị viên. Không nhớ địa chỉ: liên hệ quản trị viên."
        )
