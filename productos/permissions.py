from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWritesUsersRead(BasePermission):
    """Any authenticated user of the tenant reads; staff (admin, soporte) write."""

    reads_for_everyone = True  # for the schema: a read is never refused with 403

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.es_staff
