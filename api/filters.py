from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """The view's `filterset_class` (the pages' filters); invalid values answer 400.

    django-filter's OrderingFilter clears the order for `?ordering=,`; the model's
    default order comes back then, or pages could repeat and skip rows.
    """

    def filter_queryset(self, request, queryset, view):
        queryset = super().filter_queryset(request, queryset, view)
        if not queryset.ordered:
            queryset = queryset.order_by(*queryset.model._meta.ordering)
        return queryset
