from django.apps import AppConfig


class TestJobsConfig(AppConfig):
    """Registers the test kinds in worker processes the tests start, as a domain app
    registers its operations: from ready()."""

    name = "tests.jobs"
    label = "test_jobs"

    def ready(self):
        from jobs import registry

        registry.register("test.count", "tests.jobs.operations.count", label="Count")
        registry.register("test.empty", "tests.jobs.operations.empty", label="Nothing")
