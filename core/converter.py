"""The one data converter (pydantic payloads) used by the worker, the API and the tests."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter


def build_data_converter() -> DataConverter:
    return pydantic_data_converter
