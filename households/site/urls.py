"""The site's own pages: home, health check, and the login pages under accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_health
from .forms import PasswordResetByEmailForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/"),
        name="password_change",
    ),
    # Forgotten password (issue 17): a link by e-mail to the address of the account; the page
    # says the same whether or not the address is known (nobody learns who has an account).
    path(
        "accounts/quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetByEmailForm,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("he-thong/tinh-trang/", views_health.system_health, name="system-health"),
]
