from django import template

from apps.wecom.selectors import run_report, run_steps

register = template.Library()
register.filter("steps", run_steps)
register.filter("report", run_report)
