"""The demo's content: the fixed lists load_demo_data loads (every run gives the same
database) and the word lists generate_data draws from. Names and places are Dutch,
Belgian and British, as the CRM's users' customers are; e-mail domains end in
`.example` (RFC 2606), so nothing sent from a demo database reaches a real mailbox.
"""

from crm import roles
from interactions.models import Evaluation

# load_demo_data

INTERACTION_GROUPS = [
    ("LETTER", "Brieven"),
    ("EMAIL", "E-mails"),
    ("PHONE", "Telefoongesprekken"),
    ("MEETING", "Afspraken"),
    ("SALES", "Verkoopdocumenten"),
]

INTERACTION_TEMPLATES = [
    # code, group, description, unit cost, minutes, flow, initiated by, correspondence
    ("CALL-OUT", "PHONE", "Uitgaand telefoongesprek", "1.50", 10, "outbound", "us", ""),
    ("CALL-IN", "PHONE", "Inkomend telefoongesprek", "0.00", 10, "inbound", "them", ""),
    ("EMAIL", "EMAIL", "E-mail", "0.00", 5, "outbound", "us", "email"),
    ("LETTER", "LETTER", "Brief", "1.20", 15, "outbound", "us", "hard_copy"),
    (
        "MEETING",
        "MEETING",
        "Afspraak bij de klant",
        "45.00",
        90,
        "outbound",
        "us",
        "",
    ),
    ("DEMO", "MEETING", "Productdemonstratie", "60.00", 120, "outbound", "us", ""),
    ("QUOTE", "SALES", "Offerte verzonden", "0.50", 20, "outbound", "us", "email"),
    ("INVOICE", "SALES", "Factuur verzonden", "0.50", 5, "outbound", "us", "email"),
]

# Document type → template code for Interaction template setup.
TEMPLATE_SETUP = {
    "sales_quote": "QUOTE",
    "sales_invoice": "INVOICE",
    "email": "EMAIL",
    "cover_sheet": "LETTER",
    "outgoing_call": "CALL-OUT",
    "meeting_invitation": "MEETING",
}

# A paragraph is one line, as typed in the template's text box: the letter breaks
# it where the page ends.
LETTER_TEXT = "\n".join(
    [
        "{{ date }}",
        "",
        "Beste {{ contact.name }},",
        "",
        "Hartelijk dank voor uw belangstelling voor onze producten. Bijgaand vindt u "
        "onze nieuwe prijslijst; volgende week bel ik u om die samen door te nemen.",
        "",
        "Met vriendelijke groet,",
        "",
        "{{ salesperson.name }}",
        "{{ salesperson.job_title }}",
    ]
)

EMAIL_TEXT = "\n".join(
    [
        "Beste {{ contact.name }},",
        "",
        "Bijgaand ons nieuwe productblad. Heeft u vragen, beantwoord dan gewoon deze "
        "e-mail; ik help u graag verder.",
        "",
        "Met vriendelijke groet,",
        "",
        "{{ salesperson.name }}",
    ]
)

# (days ago, template, description, evaluation, minutes or None): cycled over contacts.
INTERACTION_HISTORY = [
    (2, "CALL-OUT", "Offerte nabellen", "positive", None),
    (5, "EMAIL", "Productblad gestuurd", "", None),
    (9, "MEETING", "Startoverleg", "very_positive", 120),
    (14, "CALL-IN", "Vraag over levertijden", "neutral", None),
    (21, "QUOTE", "Offerte voor de voorjaarsbestelling", "", None),
    (30, "LETTER", "Prijslijst 2026", "", None),
    (45, "DEMO", "Demonstratie van het nieuwe assortiment", "positive", None),
    (60, "CALL-OUT", "Geen gehoor, volgende week opnieuw", "negative", 2),
    (75, "INVOICE", "Factuur voor de winterbestelling", "", None),
    (90, "CALL-OUT", "Klacht over een late levering", "very_negative", 25),
]

NUMBER_SERIES = [
    # code, description, prefix, width
    ("CONTACT", "Contacten", "CT", 5),
    ("SEGMENT", "Segmenten", "SM", 5),
    ("TASK", "Taken", "TK", 5),
]

SALESPEOPLE = [
    # code, name, job title, phone, blocked
    ("JV", "Jan Visser", "Accountmanager", "+31 20 794 1101", False),
    ("SB", "Sanne Bakker", "Verkoopmanager", "+31 20 794 1102", False),
    ("PJ", "Pieter Jansen", "Binnendienst verkoop", "+31 20 794 1103", False),
    ("LP", "Lotte Peeters", "Accountmanager België", "+32 3 281 4410", False),
    ("EW", "Emily Walker", "Accountmanager VK", "+44 161 496 0321", False),
    ("RH", "Richard Hughes", "Accountmanager (uit dienst)", "+44 161 496 0322", True),
]

# fmt: off
# name, address, post code, city, country, phone, salesperson, correspondence type
COMPANIES = [
    ("Van den Berg Installatietechniek B.V.", "Industrieweg 12", "3044 AS", "Rotterdam",
     "NL", "+31 10 437 2300", "JV", ""),
    ("Bakkerij De Gouden Korenaar", "Kerkstraat 45", "3811 CV", "Amersfoort",
     "NL", "+31 33 461 8820", "SB", "hard_copy"),
    ("Hoogendijk Logistiek B.V.", "Havenweg 8", "5145 NJ", "Waalwijk",
     "NL", "+31 416 67 5400", "JV", "email"),
    ("De Vries & Zonen Bouwbedrijf", "Stationsplein 3", "8011 CW", "Zwolle",
     "NL", "+31 38 421 7700", "PJ", ""),
    ("Noordzee Visgroothandel B.V.", "Visafslagweg 1", "2583 DM", "Den Haag",
     "NL", "+31 70 352 1900", "SB", ""),
    ("Meijer Tuin- en Parkmachines", "Ambachtsweg 22", "7521 AT", "Enschede",
     "NL", "+31 53 431 6650", "PJ", ""),
    ("Smit Kantoorinrichting B.V.", "Laan van Nieuw Oost-Indië 101", "2593 BM",
     "Den Haag", "NL", "+31 70 383 2210", "JV", "email"),
    ("Brouwerij 't Klooster", "Kloosterstraat 7", "5211 KD", "'s-Hertogenbosch",
     "NL", "+31 73 612 4480", "SB", "hard_copy"),
    ("Jansen Transport Groningen", "Zernikepark 15", "9747 AN", "Groningen",
     "NL", "+31 50 571 3390", "PJ", ""),
    ("Dekker Drukwerk B.V.", "Papiermolen 4", "3994 DK", "Houten",
     "NL", "+31 30 634 9910", "JV", ""),
    ("Mulder Zorgadvies", "Oudegracht 210", "3511 NR", "Utrecht",
     "NL", "+31 30 231 5570", "SB", "email"),
    ("Koster Keukens Amsterdam", "Overtoom 315", "1054 HW", "Amsterdam",
     "NL", "+31 20 618 4420", "JV", ""),
    ("Visser Elektrotechniek", "Energieweg 9", "5627 BA", "Eindhoven",
     "NL", "+31 40 241 8830", "PJ", ""),
    ("Peeters & Janssens NV", "Meir 44", "2000", "Antwerpen",
     "BE", "+32 3 226 1540", "LP", ""),
    ("Brasserie Van Damme BV", "Korenlei 6", "9000", "Gent",
     "BE", "+32 9 223 7781", "LP", ""),
    ("Maes Industrial Cleaning NV", "Industriepark 3", "3300", "Tienen",
     "BE", "+32 16 81 2290", "LP", "email"),
    ("Claes Architecten", "Vlamingstraat 18", "8000", "Brugge",
     "BE", "+32 50 33 6120", "LP", ""),
    ("Willems Voedingsmiddelen BV", "Leuvensesteenweg 250", "3070", "Kortenberg",
     "BE", "+32 2 759 4410", "LP", "hard_copy"),
    ("Dubois Consulting SRL", "Avenue Louise 149", "1050", "Brussel",
     "BE", "+32 2 538 9060", "LP", ""),
    ("Thompson & Clarke Ltd", "14 King Street", "M2 4LQ", "Manchester",
     "GB", "+44 161 832 4410", "EW", ""),
    ("Harrington Office Supplies Ltd", "27 Queen's Road", "BS8 1QE", "Bristol",
     "GB", "+44 117 927 3350", "EW", "email"),
    ("Northgate Engineering plc", "Unit 5, Riverside Industrial Estate", "LS11 5HE",
     "Leeds", "GB", "+44 113 245 6670", "EW", ""),
    ("Whitmore Catering Ltd", "88 High Street", "OX1 4BG", "Oxford",
     "GB", "+44 1865 24 1180", "EW", ""),
    ("Blackwood Digital Ltd", "3 Southwark Street", "SE1 1RQ", "London",
     "GB", "+44 20 7946 0410", "EW", "email"),
    ("Greenfield Garden Centres Ltd", "101 Cathedral Road", "CF11 9PH", "Cardiff",
     "GB", "+44 29 2034 5520", "EW", ""),
]
# fmt: on

# company name, person name, correspondence type, exclude from segment
PERSONS = [
    ("Van den Berg Installatietechniek B.V.", "Marieke van den Berg", "email", False),
    ("Van den Berg Installatietechniek B.V.", "Thomas de Wit", "", False),
    ("Bakkerij De Gouden Korenaar", "Henk Bos", "hard_copy", True),
    ("Hoogendijk Logistiek B.V.", "Annemiek Hoogendijk", "", False),
    ("Hoogendijk Logistiek B.V.", "Ruud Verbeek", "", False),
    ("Hoogendijk Logistiek B.V.", "Fleur Kok", "email", False),
    ("De Vries & Zonen Bouwbedrijf", "Kees de Vries", "", False),
    ("De Vries & Zonen Bouwbedrijf", "Ilse Schouten", "", False),
    ("Noordzee Visgroothandel B.V.", "Bram Vermeulen", "", False),
    ("Meijer Tuin- en Parkmachines", "Joost Meijer", "", False),
    ("Meijer Tuin- en Parkmachines", "Lisa van Dijk", "email", False),
    ("Smit Kantoorinrichting B.V.", "Femke Smit", "", False),
    ("Smit Kantoorinrichting B.V.", "Daan Hendriks", "", False),
    ("Brouwerij 't Klooster", "Wouter van Leeuwen", "", False),
    ("Jansen Transport Groningen", "Gerrit Jansen", "hard_copy", False),
    ("Jansen Transport Groningen", "Sanne Postma", "", False),
    ("Dekker Drukwerk B.V.", "Eva Dekker", "", False),
    ("Mulder Zorgadvies", "Nicole Mulder", "", False),
    ("Koster Keukens Amsterdam", "Mark Koster", "", False),
    ("Visser Elektrotechniek", "Martijn Visser", "", False),
    ("Visser Elektrotechniek", "Anouk de Graaf", "email", False),
    ("Peeters & Janssens NV", "Jan Peeters", "", False),
    ("Peeters & Janssens NV", "Katrien Janssens", "", False),
    ("Brasserie Van Damme BV", "Pieter Van Damme", "", False),
    ("Maes Industrial Cleaning NV", "Sofie Maes", "", False),
    ("Maes Industrial Cleaning NV", "Koen Wouters", "", False),
    ("Claes Architecten", "Elke Claes", "", False),
    ("Willems Voedingsmiddelen BV", "Tom Willems", "", False),
    ("Dubois Consulting SRL", "Marc Dubois", "email", False),
    ("Thompson & Clarke Ltd", "Oliver Thompson", "", False),
    ("Thompson & Clarke Ltd", "Charlotte Clarke", "", False),
    ("Thompson & Clarke Ltd", "James Patel", "email", False),
    ("Harrington Office Supplies Ltd", "Sarah Harrington", "", False),
    ("Northgate Engineering plc", "David Hughes", "", False),
    ("Northgate Engineering plc", "Emma Wilson", "", False),
    ("Whitmore Catering Ltd", "Lucy Whitmore", "hard_copy", False),
    ("Whitmore Catering Ltd", "Ben Carter", "", False),
    ("Blackwood Digital Ltd", "Harry Blackwood", "", False),
    ("Blackwood Digital Ltd", "Priya Shah", "", False),
    ("Greenfield Garden Centres Ltd", "Rachel Evans", "", False),
]

# fmt: off
# Tasks of the salespeople, in Dutch as their users write them: salesperson, contact
# (a name, or None), type, description, days from today, start time, minutes,
# priority, template code, done. A meeting's attendees and the recurring task are in
# TASK_ATTENDEES and RECURRING_TASK.
TASKS = [
    ("SB", "Henk Bos", "phone_call", "Offerte voorjaarsbestelling nabellen", -3,
     "10:00", 15, "high", "CALL-OUT", False),
    ("SB", "Bram Vermeulen", "", "Prijslijst 2027 naar Noordzee Visgroothandel sturen",
     -1, None, 0, "normal", "EMAIL", False),
    ("SB", "Wouter van Leeuwen", "phone_call", "Terugbellen over de levertijden", 0,
     "09:30", 10, "high", "CALL-OUT", False),
    ("SB", None, "meeting", "Kwartaaloverleg verkoopteam", 0, "14:00", 60, "normal",
     "", False),
    ("SB", "Nicole Mulder", "meeting", "Demonstratie van het nieuwe assortiment", 1,
     "10:00", 120, "normal", "DEMO", False),
    ("SB", "Brouwerij 't Klooster", "", "Contractverlenging voorbereiden", 3, None, 0,
     "normal", "", False),
    ("SB", "Bram Vermeulen", "phone_call", "Proefbestelling evalueren", 9, "11:00",
     15, "normal", "CALL-OUT", False),
    ("SB", "Bakkerij De Gouden Korenaar", "", "Jaarafspraken 2027 vastleggen", 20,
     None, 0, "low", "", False),
    ("SB", "Nicole Mulder", "phone_call", "Kennismakingsgesprek inplannen", -5,
     "15:00", 10, "normal", "", True),
    ("SB", "Brouwerij 't Klooster", "", "Offerte tapinstallatie versturen", -2, None,
     0, "high", "", True),
    ("JV", "Marieke van den Berg", "phone_call", "Klacht over late levering opvolgen",
     -2, "11:00", 20, "high", "CALL-OUT", False),
    ("JV", "Annemiek Hoogendijk", "", "Offerte Hoogendijk Logistiek afronden", 0, None,
     0, "high", "QUOTE", False),
    ("JV", "Femke Smit", "meeting", "Bezoek Smit Kantoorinrichting", 2, "13:30", 90,
     "normal", "MEETING", False),
    ("JV", None, "", "Nieuwjaarskaarten klaarzetten", 6, None, 0, "low", "", False),
    ("JV", "Mark Koster", "", "Productsheet naar Koster Keukens sturen", -4, None, 0,
     "normal", "", True),
    ("PJ", "Joost Meijer", "phone_call", "Onderhoudscontract bespreken", -1, "16:00",
     15, "normal", "CALL-OUT", False),
    ("PJ", "Martijn Visser", "", "Offerte Visser Elektrotechniek opstellen", 4, None,
     0, "normal", "QUOTE", False),
    ("LP", "Jan Peeters", "meeting", "Lunch met Peeters & Janssens", 0, "12:30", 90,
     "normal", "MEETING", False),
    ("LP", "Katrien Janssens", "phone_call", "Katrien Janssens bellen over de beurs", 8,
     "10:30", 10, "normal", "CALL-OUT", False),
    ("EW", "Oliver Thompson", "phone_call", "Oliver Thompson bellen over de verlenging",
     1, "15:30", 15, "normal", "CALL-OUT", False),
]
# fmt: on
# Description of a meeting in TASKS → its location and attendees (salesperson codes,
# contact names).
TASK_ATTENDEES = {
    "Kwartaaloverleg verkoopteam": ("Kantoor Amsterdam", ["JV", "PJ", "LP"], []),
    "Demonstratie van het nieuwe assortiment": (
        "Oudegracht 210, Utrecht",
        [],
        ["Nicole Mulder"],
    ),
    "Lunch met Peeters & Janssens": (
        "Meir 44, Antwerpen",
        [],
        ["Jan Peeters", "Katrien Janssens"],
    ),
}
# salesperson, description, days from today, date formula
RECURRING_TASK = ("SB", "Verkooppijplijn bijwerken", 2, "1W")
# The open segment whose companies get a call each: description, days from today.
SEGMENT_TASK = ("Beursbezoekers nabellen", "Beursbezoeker nabellen", 3)

# A segment built with criteria, step by step, and saved for the next time:
# description, template, salesperson, built by (the salesperson whose login does
# it); the actions (kind, criteria, options); the code and description it is saved
# under.
CRITERIA_SEGMENT = ("Uitnodiging relatiedag 2027", "LETTER", "LP", "SB")
CRITERIA_ACTIONS = [
    ("add", {"country": "BE"}, {"allow_company_with_persons": False}),
    ("add", {"city": "Rotterdam", "type": "person"}, {}),
    ("reduce", {"language_code": "en"}, {}),
    ("refine", {"entries": {"has": True, "evaluation": "positive"}}, {}),
]
SAVED_CRITERIA = ("RELATIEDAG", "België en Rotterdam, Nederlands, positief gesprek")

# The Brussels consultancy corresponds in English; the rest follows the country.
ENGLISH_SPEAKING = {"GB"}
ENGLISH_CONTACTS = {"Dubois Consulting SRL", "Marc Dubois"}

DEMO_USERS = [
    # username, password, group, first name, last name, salesperson code, superuser
    ("sales", "demo-sales-2026", roles.SALES, "Jan", "Visser", "JV", False),
    ("admin", "demo-admin-2026", roles.CRM_ADMIN, "Sanne", "Bakker", "SB", False),
    ("superuser", "demo-super-2026", None, "Site", "Administrator", None, True),
]

DEMO_DOMAIN = "crm-demo.example"
LEGAL_FORMS = {"B.V.", "BV", "NV", "SRL", "Ltd", "plc"}


# generate_data

# fmt: off
FIRST_NAMES = [
    "Anna", "Bram", "Charlotte", "Daan", "Emma", "Finn", "Isa", "Jesse", "Julia",
    "Lars", "Lieke", "Luuk", "Maud", "Milan", "Noor", "Ruben", "Sanne", "Sem", "Tess",
    "Thijs", "Vera", "Wout", "Yara", "Olivia", "Oliver", "Amelia", "Harry", "Grace",
    "George", "Sophie", "Jack", "Chloe", "Thomas", "Lucas", "Elise", "Arthur",
]
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "Peeters", "Maes", "Claes",
    "Wouters", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans",
    "Schmidt", "Müller", "Fischer", "Weber", "Wagner",
]
TRADES = [
    "Installatietechniek", "Logistiek", "Bouwbedrijf", "Metaalbewerking", "Advies",
    "Groothandel", "Transport", "Automatisering", "Drukkerij", "Engineering",
    "Supplies", "Consulting", "Systems",
]
GENERATED_LEGAL_FORMS = ["B.V.", "N.V.", "BV", "NV", "Ltd", "GmbH", "& Zonen", ""]
PLACES = [
    # city, post code prefix, country, language
    ("Amsterdam", "10", "NL", "nl"), ("Rotterdam", "30", "NL", "nl"),
    ("Utrecht", "35", "NL", "nl"), ("Eindhoven", "56", "NL", "nl"),
    ("Zwolle", "80", "NL", "nl"), ("Groningen", "97", "NL", "nl"),
    ("Antwerpen", "20", "BE", "nl"), ("Gent", "90", "BE", "nl"),
    ("Manchester", "M1", "GB", "en"), ("Leeds", "LS", "GB", "en"),
    ("Düsseldorf", "40", "DE", "en"),
]
SUBJECTS = [
    "Price list", "Delivery times", "Spring order", "Maintenance contract", "New range",
    "Complaint", "Follow-up", "Renewal", "Training", "Invoice question",
]
# fmt: on
# Evaluation and its weight: most entries are not evaluated.
EVALUATIONS = [
    ("", 40),
    (Evaluation.VERY_POSITIVE, 8),
    (Evaluation.POSITIVE, 22),
    (Evaluation.NEUTRAL, 18),
    (Evaluation.NEGATIVE, 9),
    (Evaluation.VERY_NEGATIVE, 3),
]
