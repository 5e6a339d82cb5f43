"""The count check of bench/load.py: are the rows the simulated users wrote in the
database, all of them and no others?

Needs Django set up (bench/support.py does it for the script, pytest for the tests).
"""

from django.db.models import Count

from interactions.models import InteractionLogEntry
from segments.models import LoggedSegment


def count_check(marker, tally):
    """The rows the users saw created (`tally`: entry numbers, and lines per logged
    segment number) against the rows in the database whose description starts with
    `marker`: the counts of both, and every difference as a sentence."""
    reported_entries = set(tally["interactions"])
    found_entries = set(
        InteractionLogEntry.objects.filter(
            description__startswith=marker, logged_segment=None
        ).values_list("pk", flat=True)
    )
    reported_segments = tally["segments"]
    found_segments = dict(
        LoggedSegment.objects.filter(description__startswith=marker)
        .annotate(entries=Count("log_entries"))
        .values_list("segment_no", "entries")
    )
    problems = []
    if missing := sorted(reported_entries - found_entries):
        problems.append(
            "interactions confirmed to a user but not in the database: "
            f"{len(missing)} (entry no. {', '.join(map(str, missing[:10]))})"
        )
    if unreported := sorted(found_entries - reported_entries):
        problems.append(
            "interactions in the database never confirmed to a user: "
            f"{len(unreported)} (entry no. {', '.join(map(str, unreported[:10]))})"
        )
    for no, lines in sorted(reported_segments.items()):
        if no not in found_segments:
            problems.append(f"logged segment {no} is not in the database")
        elif found_segments[no] != lines:
            problems.append(
                f"logged segment {no} has {found_segments[no]} entries, "
                f"not the {lines} of its lines"
            )
    problems.extend(
        f"logged segment {no} is in the database but was never confirmed to a user"
        for no in sorted(found_segments.keys() - reported_segments.keys())
    )
    return {
        "interactions": {
            "reported": len(reported_entries),
            "found": len(found_entries),
        },
        "logged_segments": {
            "reported": len(reported_segments),
            "found": len(found_segments),
        },
        "segment_entries": {
            "reported": sum(reported_segments.values()),
            "found": sum(found_segments.values()),
        },
        "problems": problems,
    }
