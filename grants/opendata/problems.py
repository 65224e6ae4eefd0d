"""What an open-data request can get wrong."""

from __future__ import annotations

from messages import define

REFUSED = define("open_data.refused", "The open-data export cannot be made with these filters.")
UNKNOWN_CALL = define("open_data.unknown_call", "There is no call with the code {code}.")
UNKNOWN_AGENCY = define("open_data.unknown_agency", "There is no agency with the code {code}.")
