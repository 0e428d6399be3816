from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.targets_home, name="home"),
    path("danh-sach/", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:plan_pk>/nhiem-vu/them/", views.task_create, name="task-create"),
    path("<int:pk>/van-ban/them/", views.plan_document_add, name="document-add"),
    path("van-ban/<int:pk>/", views.plan_document_download, name="document-download"),
    path("ma-tran/", views.matrix, name="matrix"),
    path("qua-han/", views.overdue_list, name="overdue"),
    path("nhiem-vu/", views.task_list, name="task-list"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task-detail"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task-edit"),
    path("nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task-update"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("so-lieu/", views.figure_list, name="figure-list"),
    path("so-lieu/them/", views.figure_create, name="figure-create"),
    path("so-lieu/<int:pk>/tep/", views.figure_download, name="figure-download"),
]
