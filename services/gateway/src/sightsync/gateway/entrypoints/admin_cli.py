def main() -> None:
    raise SystemExit("sightsync-admin: no commands yet")
