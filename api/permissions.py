from rest_framework.permissions import BasePermission


class HasPermission(BasePermission):
    """The user's Django permission that the view names for the request method.

    Views map methods to permissions, as the pages' `permission_required` does:
    `permission_required = {"GET": "crm.view_contact"}`. HEAD and OPTIONS count as
    GET. Anonymous requests fail here, so DRF answers 401 (403 for a logged-in user).
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        permission = view.permission_required.get(method)
        if permission is None:
            # A method the view does not serve: let DRF answer 405. A method it serves
            # but names no permission for is refused rather than left open.
            return not hasattr(view, method.lower())
        return user.has_perm(permission)
