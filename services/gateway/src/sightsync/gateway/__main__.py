from sightsync.common.runner import run_service
from sightsync.gateway.bootstrap import SERVICE, bootstrap
from sightsync.gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    run_service(SERVICE, settings, lambda: bootstrap(settings))


if __name__ == "__main__":
    main()
