from sightsync.common.runner import run_service
from sightsync.dialer.bootstrap import SERVICE, bootstrap
from sightsync.dialer.settings import DialerSettings


def main() -> None:
    settings = DialerSettings()
    run_service(SERVICE, settings, lambda: bootstrap(settings))


if __name__ == "__main__":
    main()
