"""Reading upstream lists newest first and assembling pages (I/O through the ports)."""

from idv_gateway.feed.engine import FeedPage, Reader, read_page

__all__ = ["FeedPage", "Reader", "read_page"]
