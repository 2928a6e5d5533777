from sightsync.common.runner import run_service
from sightsync.outcomes.bootstrap import SERVICE, bootstrap
from sightsync.outcomes.settings import OutcomesSettings


def main() -> None:
    settings = OutcomesSettings()
    run_service(SERVICE, settings, lambda: bootstrap(settings))


if __name__ == "__main__":
    main()
