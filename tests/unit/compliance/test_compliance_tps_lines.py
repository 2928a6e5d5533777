from sightsync.compliance.domain.tps_lines import MalformedLine, RegisterLines, parse_register_lines


def test_lines_become_unique_e164_numbers_and_numbered_reasons() -> None:
    parsed = parse_register_lines(
        [
            (1, "07700 900123"),
            (2, "  "),
            (3, "# exported 2025-06-01"),
            (4, "+44 7700 900123"),
            (5, "0909 879 0000"),
            (6, "+1 212 555 0100"),
            (7, "hello"),
        ]
    )

    assert parsed == RegisterLines(
        numbers=("+447700900123", "+449098790000"),
        malformed=(
            MalformedLine(6, "Only UK (+44) phone numbers can be called."),
            MalformedLine(7, "This is not a recognisable phone number."),
        ),
    )


def test_an_empty_file_is_empty() -> None:
    assert parse_register_lines([]) == RegisterLines((), ())
