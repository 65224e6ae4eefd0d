"""Awarded grants published as open data: 360Giving (package JSON, flattened CSV) and IATI
activity XML, read from the database (`loading`), mapped by the pure `opendata` library,
served and audited (`service`, `controllers`, `cli`)."""
