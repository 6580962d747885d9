"""TOTP enrolment helpers: the QR code as inline SVG (no script, no external service)."""

from __future__ import annotations

import base64

from django.utils.safestring import SafeString
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaa.lib.qr import qr_svg


def totp_qr_svg(device: TOTPDevice) -> SafeString:
    """An SVG QR code of the device's otpauth:// URL, for the authenticator app to scan."""
    return qr_svg(device.config_url, title="QR-kod för autentiseringsappen")


def totp_secret_for_humans(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
