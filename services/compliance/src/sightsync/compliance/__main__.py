from sightsync.common.runner import run_service
from sightsync.compliance.bootstrap import SERVICE, bootstrap
from sightsync.compliance.settings import ComplianceSettings


def main() -> None:
    settings = ComplianceSettings()
    run_service(SERVICE, settings, lambda: bootstrap(settings))


if __name__ == "__main__":
    main()
