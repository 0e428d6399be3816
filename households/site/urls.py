"""The site's own pages: home, health check, and the login pages under accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_health

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
    path("healthz", views.healthz, name="healthz"),
    path("he-thong/tinh-trang/", views_health.system_health, name="system-health"),
]
