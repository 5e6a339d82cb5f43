"""Segment delivery: 10,000 e-mails delivered by deliver_logged_segment to a local
aiosmtpd against a bare smtplib loop sending the same messages over one connection.

    .venv/bin/python bench/delivery.py [--emails 10000] [--repeat 3]

The same scenario runs in `make bench` (bench/run.py, --delivery-emails). Uses the
scratch database of bench/run.py (DATABASE_URL, or crm_bench).
"""

import argparse

import support  # sets Django up: keep it the first third-party import
from scenarios import delivery


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    (result,) = delivery.run(
        argparse.Namespace(
            delivery_emails=args.emails, segment_lines=args.emails, repeat=args.repeat
        )
    )
    print(f"delivery (deliver_logged_segment): {result.seconds:.3f} s")
    print(f"smtplib loop, one connection:      {result.baseline_seconds:.3f} s")
    print(f"ratio: {result.ratio:.2f} (target ≤ {result.target:g})")
    for note in result.notes:
        print(note)
    return result


if __name__ == "__main__":
    support.ensure_database()
    main()
