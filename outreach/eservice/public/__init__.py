"""The e-service's public pages at /e/ (no login; the `eservice` URL namespace): code and
birth date, the answer form, thanks."""
