"""manage.py exchange status|pull|push|subscribe|withdraw|keys"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from portal.core.policy import ActionRefused
from portal.exchange import incoming, keys, outgoing, push
from portal.exchange.models import (
    Agreement,
    ImportedRelease,
    PushDelivery,
    ReleaseEvent,
    SigningKey,
    Subscription,
)
from portal.reports.releases import NoRelease, get_release


class Command(BaseCommand):
    help = "Exchange signed releases with partner databases and sister portals."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Agreements, keys, pushes waiting, subscriptions.")
        pull = sub.add_parser("pull", help="Pull new releases from subscribed portals.")
        pull.add_argument("--origin", help="Only the subscription with this origin address.")
        sub.add_parser("push", help="Push what is due to partners' inboxes now.")
        subscribe = sub.add_parser("subscribe", help="Subscribe to another portal's releases.")
        subscribe.add_argument("origin", help="The origin portal's address, https://…")
        subscribe.add_argument("--name", required=True, help="The origin network's name.")
        subscribe.add_argument("--token", required=True, help="The token the origin issued us.")
        subscribe.add_argument(
            "--key",
            required=True,
            help="The origin's active key id, confirmed with its office out of band. "
            'Write --key=ID: an id may begin with "-".',
        )
        withdraw = sub.add_parser("withdraw", help="Withdraw a release from partners.")
        withdraw.add_argument("number", type=int)
        withdraw.add_argument("--reason", required=True, help="Partners see it.")
        key = sub.add_parser("keys", help="List the signing keys; --rotate makes a new one.")
        key.add_argument("--rotate", action="store_true")

    def handle(self, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def say(self, message):
        self.stdout.write(message)
        self.stdout.flush()

    def handle_status(self, **options):
        agreements = Agreement.objects.select_related("partner")
        self.say(f"Agreements: {agreements.count()} ({agreements.in_force().count()} in force)")
        for agreement in agreements:
            self.say(
                f"  {agreement.title} — {agreement.partner}: {agreement.status_label}, "
                f"{agreement.tier}, {agreement.delivery}, {agreement.starts_on}–{agreement.ends_on}"
            )
        waiting = PushDelivery.objects.aggregate(
            waiting=Count("pk", filter=Q(delivered_at__isnull=True, abandoned_at__isnull=True)),
            abandoned=Count("pk", filter=Q(abandoned_at__isnull=False)),
        )
        self.say(
            f"Pushes: {waiting['waiting']} waiting, {waiting['abandoned']} abandoned "
            "(see the admin's push list)."
        )
        self.say(f"Release events: {ReleaseEvent.objects.count()}")
        active = SigningKey.objects.active()
        self.say(
            "Signing key: "
            + (keys.fingerprint(active.public_key) if active else "none yet (made on first use)")
        )
        for subscription in Subscription.objects.all():
            held = ImportedRelease.objects.filter(subscription=subscription)
            self.say(
                f"Subscription {subscription.name} ({subscription.origin_url}): cursor "
                f"{subscription.cursor}, {held.current().count()} releases held, last sync "
                f"{subscription.last_sync_at or 'never'}"
                + (f", last error: {subscription.last_error}" if subscription.last_error else "")
            )

    def handle_pull(self, origin=None, **options):
        subscriptions = Subscription.objects.filter(active=True)
        if origin:
            subscriptions = subscriptions.filter(origin_url=incoming.normalise_origin(origin))
            if not subscriptions:
                raise CommandError(f"No active subscription to {origin} (see `exchange status`).")
        failed = 0
        for subscription in subscriptions:
            self.say(f"Pulling {subscription.name} from cursor {subscription.cursor} …")
            try:
                outcome = incoming.pull(subscription, progress=self.say)
            except incoming.SyncError as error:
                failed += 1
                self.stderr.write(f"  failed: {error}")
                continue
            self.say(
                f"  done: {outcome.events} events, {outcome.imported} imported, "
                f"{outcome.withdrawn} withdrawn, {outcome.skipped} already held."
            )
        if failed:
            raise CommandError(f"{failed} subscription(s) failed; the next pull resumes them.")

    def handle_push(self, **options):
        self.say("Pushing due releases …")
        outcome = push.deliver_due(progress=self.say)
        self.say(
            f"Delivered {outcome.delivered}, retrying later {outcome.retrying}, "
            f"abandoned {outcome.abandoned}."
        )

    def handle_subscribe(self, origin, name, token, key, **options):
        try:
            subscription = incoming.subscribe(
                name=name, origin_url=origin, token=token, pinned_kid=key
            )
        except incoming.SyncError as error:
            raise CommandError(str(error)) from None
        self.say(
            f"Subscribed to {subscription.name}; trusted keys: "
            + ", ".join(sorted(subscription.trusted_keys))
            + ". Run `manage.py exchange pull` (the worker also pulls on its schedule)."
        )

    def handle_withdraw(self, number, reason, **options):
        try:
            release = get_release(number)
            event = outgoing.withdraw(release, reason=reason)
        except NoRelease:
            raise CommandError(f"No statistics release {number}.") from None
        except ActionRefused as refused:
            raise CommandError(refused.message) from None
        self.say(
            f"Release {number} withdrawn (version {event.version}); partners drop it at their "
            "next sync, pushes are queued."
        )

    def handle_keys(self, rotate=False, **options):
        if rotate:
            key = keys.rotate()
            self.say(f"New signing key {keys.fingerprint(key.public_key)} (endorsed by the old).")
        for key in SigningKey.objects.all():
            self.say(f"  {key.kid}  {key.status:8}  created {key.created_at:%Y-%m-%d}")
