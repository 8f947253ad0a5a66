"""Live session events: the bus subscriptions read and the webhook deduplication.

Both are ports with an in-process implementation, the embedded default; a shared backend
implements the same methods for several gateway instances.
"""

from idv_gateway.events.bus import EventBus, InProcessBus, SubscriberGone, Subscription
from idv_gateway.events.dedup import Deduplicator, InProcessDeduplicator
from idv_gateway.events.slots import SubscriberSlots

__all__ = [
    "Deduplicator",
    "EventBus",
    "InProcessBus",
    "InProcessDeduplicator",
    "SubscriberGone",
    "SubscriberSlots",
    "Subscription",
]
