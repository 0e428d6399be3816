from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from households import views as household_views
from households import views_health

admin.site.site_header = "Giảm nghèo bền vững – Quản trị"
admin.site.site_title = "Giảm nghèo bền vững"

urlpatterns = [
    path("", household_views.home, name="home"),
    path("accounts/", include("households.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ho-gia-dinh/", include("households.urls")),
    path("chuong-trinh/", include("programs.urls")),
    path("ke-hoach/", include("targets.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
    path("healthz", household_views.healthz, name="healthz"),
    path("he-thong/tinh-trang/", views_health.system_health, name="system-health"),
]

handler500 = "households.views_health.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
