"""The web interface: server-rendered pages over the same services, login and policy as the API."""
