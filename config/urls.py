from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Giảm nghèo bền vững – Quản trị"
admin.site.site_title = "Giảm nghèo bền vững"

urlpatterns = [
    path("", include("households.site.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ho-gia-dinh/", include("households.urls")),
    path("chuong-trinh/", include("programs.urls")),
    path("ke-hoach/", include("targets.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
]

# A database that cannot be reached answers 503 with a message, not a 500 (issue 16).
handler500 = "households.site.views_health.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
