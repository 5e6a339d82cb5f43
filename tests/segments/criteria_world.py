"""The small world the criteria tests act on, where every right answer is plain.

Two companies in Utrecht (ACME with persons Anna and Bert, BETA with person Cor), a
company in Amsterdam (GAMMA with person Dirk), and Eva, a person in Utrecht marked
"exclude from segment". Anna and Dirk had a letter (Anna's in logged segment LS1),
Cor a canceled phone call.
"""

import datetime
from decimal import Decimal

from tests.factories import (
    CompanyFactory,
    InteractionGroupFactory,
    InteractionLogEntryFactory,
    InteractionTemplateFactory,
    LoggedSegmentFactory,
    PersonFactory,
    SalespersonFactory,
)


def build_world():
    acme = CompanyFactory(no="ACME", name="Acme BV", city="Utrecht", language_code="nl")
    beta = CompanyFactory(no="BETA", name="Beta NV", city="Utrecht")
    gamma = CompanyFactory(no="GAMMA", name="Gamma VOF", city="Amsterdam")
    contacts = {
        "ACME": acme,
        "ANNA": PersonFactory(
            no="ANNA", name="Anna de Vries", company=acme, city="Utrecht"
        ),
        "BERT": PersonFactory(
            no="BERT", name="Bert Bakker", company=acme, city="Amersfoort"
        ),
        "BETA": beta,
        "COR": PersonFactory(no="COR", name="Cor Smit", company=beta, city="Amsterdam"),
        "GAMMA": gamma,
        "DIRK": PersonFactory(
            no="DIRK", name="Dirk Visser", company=gamma, city="Amsterdam"
        ),
        "EVA": PersonFactory(
            no="EVA", company=None, city="Utrecht", exclude_from_segment=True
        ),
    }
    letter = InteractionTemplateFactory(
        code="LETTER", group=InteractionGroupFactory(code="LETTERS")
    )
    call = InteractionTemplateFactory(
        code="CALL",
        group=InteractionGroupFactory(code="CALLS"),
        information_flow="inbound",
    )
    anna_sp = SalespersonFactory(code="ANNE")
    logged = LoggedSegmentFactory(segment_no="LS1")
    InteractionLogEntryFactory(
        contact=contacts["ANNA"],
        template=letter,
        salesperson=anna_sp,
        date=datetime.date(2026, 3, 1),
        cost=Decimal("10.00"),
        duration=30,
        evaluation="positive",
        correspondence_type="email",
        logged_segment=logged,
        segment_no="LS1",
    )
    InteractionLogEntryFactory(
        contact=contacts["DIRK"],
        template=letter,
        date=datetime.date(2026, 5, 1),
        cost=Decimal("2.00"),
        duration=5,
        correspondence_type="hard_copy",
    )
    InteractionLogEntryFactory(
        contact=contacts["COR"],
        template=call,
        date=datetime.date(2026, 4, 1),
        cost=Decimal("0.00"),
        duration=60,
        canceled=True,
    )
    return {"contacts": contacts, "logged": logged, "letter": letter, "call": call}
