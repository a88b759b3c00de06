"""Three kinds of model, kept apart: tables, API schemas, workflow payloads."""
