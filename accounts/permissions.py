from rest_framework.permissions import BasePermission


class IsStaff(BasePermission):
    """Staff only: anonymous requests get 401 (via the authenticator), members 403."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
