"""The fake Twilio signs exactly as Twilio does: the SDK's own validator agrees."""

from __future__ import annotations

from twilio.request_validator import RequestValidator

from tests.support.fake_twilio import twilio_signature

TOKEN = "12345678901234567890123456789012"
URL = "https://dialer.example.test/telephony/twilio/status?call_id=c_01"


def test_sdk_validator_accepts_the_fake_signature() -> None:
    params = {"CallSid": "CA123", "CallStatus": "ringing", "To": "+447700900123", "Digits": "1"}

    signature = twilio_signature(TOKEN, URL, params)

    assert RequestValidator(TOKEN).validate(URL, params, signature)


def test_signature_covers_url_params_and_token() -> None:
    params = {"CallSid": "CA123", "CallStatus": "ringing"}
    signature = twilio_signature(TOKEN, URL, params)
    validator = RequestValidator(TOKEN)

    assert not validator.validate(URL + "&x=1", params, signature)
    assert not validator.validate(URL, {**params, "CallStatus": "busy"}, signature)
    assert not RequestValidator("0" * 32).validate(URL, params, signature)


def test_empty_params_sign_the_url_alone() -> None:
    assert RequestValidator(TOKEN).validate(URL, {}, twilio_signature(TOKEN, URL, {}))
