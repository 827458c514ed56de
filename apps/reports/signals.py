"""What reports tell the apps above them, without knowing them."""

from django.dispatch import Signal

# Sent in the brand's schema once a day's report is generated and claimed for delivery (once per
# day, however many sweeps race): kwargs `report`. Receivers must not fail the schedule (send_robust).
report_ready = Signal()
