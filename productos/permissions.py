from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWritesUsersRead(BasePermission):
    """Any authenticated user of the tenant reads; staff (admin, soporte) write."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.es_staff
