"""What the tenants app tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent in the brand's schema after its data was replaced from a backup: anything kept outside
# PostgreSQL about the brand (live boards in Redis) describes the data before and must be redone.
brand_restored = Signal()  # kwargs: brand
