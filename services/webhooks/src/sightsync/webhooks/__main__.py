from sightsync.common.runner import run_service
from sightsync.webhooks.bootstrap import SERVICE, bootstrap
from sightsync.webhooks.settings import WebhooksSettings


def main() -> None:
    settings = WebhooksSettings()
    run_service(SERVICE, settings, lambda: bootstrap(settings))


if __name__ == "__main__":
    main()
