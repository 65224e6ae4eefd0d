"""The workflow service's own refusals, without a database: an event's data checked against its
schema outside HTTP (the demo and batch invitations fire events directly)."""

from __future__ import annotations

import pytest

from grants.calls.binding import CallBinding
from grants.common.pydantic_messages import EXTRA
from grants.errors import FieldError, Invalid
from grants.workflow.service import INVALID_DATA, parse_data


def test_parse_data_refuses_unknown_fields_naming_each_with_its_message() -> None:
    with pytest.raises(Invalid) as caught:
        parse_data(CallBinding(), "approve", {"note": "x"})

    assert (caught.value.detail, caught.value.errors) == (
        INVALID_DATA(event="approve"),
        (FieldError("data.note", EXTRA()),),
    )
    assert str(caught.value) == "The data of 'approve' is invalid."
