"""Wires the dialer service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.outbox import MongoMessageStore
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.dialer.adapters.calls import CALL_INDEXES, MongoCallRepository
from sightsync.dialer.adapters.opt_out_register import MongoOptOutRegister
from sightsync.dialer.adapters.pacer import MongoPacer
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.practices import MongoPracticeDirectory
from sightsync.dialer.adapters.slot_bookings import SLOT_BOOKING_INDEXES, MongoSlotBook
from sightsync.dialer.adapters.sms_replies import SMS_REPLY_INDEXES, MongoSmsReplies
from sightsync.dialer.adapters.telephony.base import Telephony
from sightsync.dialer.adapters.telephony.simulated import SimulatedTelephony
from sightsync.dialer.adapters.telephony.twilio import TwilioTelephony
from sightsync.dialer.adapters.unit_of_work import UnitRunner
from sightsync.dialer.entrypoints.scheduler import PlacementScheduler
from sightsync.dialer.entrypoints.stuck_calls import StuckCallSweeper
from sightsync.dialer.entrypoints.twilio_signature import TwilioSignature
from sightsync.dialer.entrypoints.twilio_sms import TwilioSmsWebhook
from sightsync.dialer.entrypoints.twilio_webhooks import TwilioWebhooks
from sightsync.dialer.handlers.call_desk import CallDesk
from sightsync.dialer.handlers.conversation_turns import Conversations
from sightsync.dialer.handlers.placement_claims import PlacementClaims
from sightsync.dialer.handlers.registry import build_registry
from sightsync.dialer.handlers.sms_opt_outs import SmsOptOuts
from sightsync.dialer.settings import DialerSettings

SERVICE = "dialer"


def bootstrap(
    settings: DialerSettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
    telephony: Telephony | None = None,
) -> ServiceApp:
    """Build the dialer service; every dependency has a production default."""
    settings = settings or DialerSettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    db = mongo[settings.database_name(SERVICE)]
    telephony = telephony or default_telephony(settings)

    calls = MongoCallRepository(db)
    practices = MongoPracticeDirectory(db)
    slots = MongoSlotBook(db)
    lines = MongoPracticeLines(db, settings.max_concurrent_calls_per_practice)
    pacer = MongoPacer(db, settings.calls_per_second)
    opted_out = MongoOptOutRegister(db)

    wake: list[PlacementScheduler] = []
    registry = build_registry(
        calls,
        practices,
        slots,
        opted_out,
        lines,
        lambda: wake[0].wake() if wake else None,
    )
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    runner = UnitRunner(mongo, MongoMessageStore(db, clock), relay, clock)

    conversations = Conversations(practices, slots, clock)
    desk = CallDesk(runner, calls, lines, conversations, clock, telephony.name, telephony.hang_up)
    if isinstance(telephony, SimulatedTelephony):
        telephony.attach(desk)
    claims = PlacementClaims(runner, calls, opted_out, lines)
    scheduler = PlacementScheduler(
        calls,
        claims,
        practices,
        lines,
        pacer,
        telephony,
        desk,
        clock,
        poll_seconds=settings.scheduler_poll_seconds,
        lease_seconds=settings.placement_lease_seconds,
    )
    wake.append(scheduler)
    sweeper = StuckCallSweeper(
        calls,
        telephony,
        desk,
        clock,
        interval_seconds=settings.stuck_sweep_seconds,
        ring_limit_seconds=settings.ring_timeout_seconds + settings.ring_margin_seconds,
        max_call_seconds=settings.max_call_seconds,
    )

    app = ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        relay=relay,
        indexes=(CALL_INDEXES, SLOT_BOOKING_INDEXES, SMS_REPLY_INDEXES),
    )
    if isinstance(telephony, TwilioTelephony):
        signature = TwilioSignature(settings.twilio_auth_token, settings.public_base_url)
        TwilioWebhooks(desk, signature, settings.public_base_url).install(app.http)
        opt_outs = SmsOptOuts(runner, calls, MongoSmsReplies(db), clock)
        TwilioSmsWebhook(opt_outs, signature).install(app.http)
    app.on_start.extend([telephony.start, scheduler.start, sweeper.start])
    app.on_stop.extend([sweeper.stop, telephony.close, scheduler.stop])
    return app


def default_telephony(settings: DialerSettings) -> Telephony:
    """The provider TELEPHONY names."""
    if settings.telephony == "twilio":
        return TwilioTelephony(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.public_base_url,
            api_base_url=settings.twilio_api_base_url,
            ring_timeout_seconds=settings.ring_timeout_seconds,
        )
    return SimulatedTelephony(step_seconds=settings.simulated_step_seconds)
