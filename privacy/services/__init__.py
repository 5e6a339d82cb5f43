"""Privacy operations: a contact's data on request, erasure, retention.

- export: `export_contact_data` — everything held on one contact, as a zip
- erase: `erase_contact` — anonymise a contact for good
- retention: the retention policies and their daily run
"""
