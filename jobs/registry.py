"""Which function runs a job of each kind.

A domain app registers its operations in its AppConfig.ready():
`registry.register("segments.deliver", "segments.delivery.deliver_job", label=...)`.
The jobs app names functions by their dotted path, so it imports no domain app.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Operation:
    kind: str
    path: str
    label: str
    on_stale: str = ""

    def function(self):
        return import_string(self.path)

    def stale_hook(self):
        """The function that tidies up after a run whose worker died, or None."""
        return import_string(self.on_stale) if self.on_stale else None


_operations = {}


def register(kind, path, *, label, on_stale=""):
    """Let jobs of `kind` run the function at `path`: `function(job, **job.params)`.

    The function reports progress with jobs.services.report_progress, stops between
    batches when jobs.services.should_stop says so, and may return the result link
    ({"url": ..., "label": ...}). `on_stale`, optional, names a function called as
    `on_stale(job, **job.params)` after the sweep failed a run whose worker died
    (jobs.services.fail_stale_jobs), to mark what that run left half done.
    Registering a kind again replaces it.
    """
    _operations[kind] = Operation(kind=kind, path=path, label=label, on_stale=on_stale)


def unregister(kind):
    _operations.pop(kind, None)


def get(kind):
    """The operation registered for `kind`; LookupError when there is none."""
    try:
        return _operations[kind]
    except KeyError:
        raise LookupError(
            f"No operation is registered for jobs of kind {kind!r}."
        ) from None


def label(kind):
    operation = _operations.get(kind)
    return operation.label if operation else kind
