"""Typed pydantic v2 models for every request and response of the Custom Vision APIs."""
