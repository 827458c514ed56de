"""What compliance tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent in the brand's schema once newly found violations are committed (the scanning task):
# kwargs `violations`, a list of Violation. Receivers must not fail the scan (send_robust).
violations_found = Signal()
