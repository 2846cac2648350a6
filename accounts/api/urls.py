from django.urls import re_path

from accounts.api import views
from accounts.avatars import api as avatar_views

# Trailing slash optional, as the existing frontend calls both forms.
urlpatterns = [
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="register"),
    re_path(
        r"^auth/register/confirm/?$", views.RegisterConfirmView.as_view(), name="register-confirm"
    ),
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="logout"),
    re_path(r"^auth/password/reset/?$", views.PasswordResetView.as_view(), name="password-reset"),
    re_path(
        r"^auth/password/reset/confirm/?$",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    re_path(r"^user/me/?$", views.MeView.as_view(), name="me"),
    re_path(r"^user/me/email/?$", views.EmailChangeView.as_view(), name="email-change"),
    re_path(r"^user/me/email/confirm/?$", views.EmailConfirmView.as_view(), name="email-confirm"),
    re_path(
        r"^admin/verify_user/(?P<user_id>[0-9]{1,18})/?$",
        views.AdminVerifyUserView.as_view(),
        name="admin-verify-user",
    ),
    re_path(r"^admin/users/?$", views.AdminUserListView.as_view(), name="admin-users"),
    re_path(r"^avatar/?$", avatar_views.AvatarView.as_view(), name="avatar"),
    re_path(r"^avatar/upload/?$", avatar_views.AvatarUploadView.as_view(), name="avatar-upload"),
    re_path(
        r"^admin/default_avatar/?$",
        avatar_views.AdminDefaultAvatarView.as_view(),
        name="admin-default-avatar",
    ),
]
