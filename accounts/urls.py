from django.urls import path

from accounts import views
from accounts.avatars import views as views_avatar

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("register/", views.register_view, name="register"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/delete/", views.delete_account_view, name="delete"),
    path("profile/avatar/", views_avatar.avatar_upload_view, name="avatar-upload"),
    path("profile/avatar/remove/", views_avatar.avatar_remove_view, name="avatar-remove"),
]
