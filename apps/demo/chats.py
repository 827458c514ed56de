"""Conversations for the demo reps over the 90 days, through the real ingestion and scanner: most
messages are ordinary service talk, a few break the rules (every category, with the usual
evasions), a few are near-misses, and the older violations have been reviewed."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from apps.common.batches import MAX_BATCH
from apps.compliance.models import Violation
from apps.compliance.selectors import review_items
from apps.compliance.services.messages import messages_ingest
from apps.compliance.services.review import violation_review
from apps.compliance.services.scanning import messages_scan
from apps.demo.events import end_of_data
from apps.kpis.models import Customer
from apps.organisation.roles import Role

User = get_user_model()

CUSTOMER_SAYS = [
    "这款适合油皮吗？",
    "什么时候发货呀",
    "有小样可以试吗",
    "上次买的用完了，想再买一瓶",
    "双11还有优惠吗",
    "敏感肌能用吗",
    "快递到哪了",
    "可以开发票吗",
    "会员积分怎么用",
    "好的谢谢",
    "收到了，挺好用的",
    "有没有更便宜的",
    "能便宜点吗",
    "我朋友也想买",
    "这个和上次那款有什么区别",
    "孕妇能用吗",
    "退货怎么操作",
]
REP_SAYS = [
    "亲，这款是控油保湿的，油皮很适合",
    "今天下单明天就发货哦",
    "可以的，我给您备注送小样",
    "好的亲，我帮您查一下物流",
    "会员积分可以在官方小程序里抵现",
    "这款含神经酰胺，敏感肌也可以用",
    "今晚八点直播间有福利，记得来",
    "满 300 减 50，还可以叠加会员折扣",
    "发票在订单详情里可以申请",
    "谢谢亲的支持，有问题随时找我",
    "您的快递单号是 SF1302456789012，明天到",
    "效果因人而异，建议先用小样试试",
    "新品上市，给您留了一份试用装",
    "请在官方小程序下单，有满减",
    "我们不接受私下转账，请走官方渠道",
    "滚珠眼霜到货了，熬夜党必备",
    "售后热线 400-888-1234，随时可以打",
    "孕期建议先咨询医生，我们有温和款可以选择",
]
VIOLATING = [
    "加我薇信，私下转账给你便宜50",
    "直接转我个人微信就行，不用走系统",
    "扫我的码付款，这单不走公司",
    "加我 V 信聊，这里不方便",
    "私-下-轉-賬更划算",
    "同款去淘宝买更便宜，我发你链接",
    "去我自己店里拍，给你打折",
    "拼多多更便宜，别在这买了",
    "我帮你代购，比专柜便宜",
    "我手机 138 1234 5678，直接打我",
    "把身份证号发我，帮你登记会员",
    "验证码发我，帮你领券",
    "这款保证有效，无效退款",
    "七天美白，不白来找我",
    "能根治痘痘，永不复发",
    "爱买不买，别浪费我时间",
    "你有病吧，都说了不能退",
    "买不起就别问了",
    "绝对安全，零副作用",
    "银行卡号发我，我帮你办退款",
]
DISMISS_NOTES = ["客户自己要求留电话，已核实", "语境是在劝客户别私下交易，误报", "只是复述客户的话"]
CONFIRM_NOTES = ["已找导购谈话", "已提醒，计入本月考核", "", "店长已跟进"]


def seed_demo_compliance(*, seed: int, today: date, days: int, time_zone: str = "Asia/Shanghai") -> int:
    """Messages for the demo reps over the last `days` days; returns how many were stored."""
    rng = random.Random(seed + 5)
    tz = ZoneInfo(time_zone)
    cut_off = end_of_data(today, tz)  # the same cut-off as the KPI demo events
    reps = list(User.objects.filter(roles__contains=[Role.SALES_REP]).order_by("email"))
    customers = {
        rep.pk: list(Customer.objects.filter(owner=rep).order_by("pk").values_list("ref", flat=True)[:60])
        for rep in reps
    }
    careless = {rep.pk: rng.random() < 0.25 for rep in reps}  # a quarter of the reps cut corners
    pending: list[dict] = []
    stored: list[int] = []
    count = 0

    def flush():
        nonlocal pending
        if pending:
            stored.extend(messages_ingest(items=pending, scan_later=False)[1])
            pending = []

    for offset in range(days):
        day = today - timedelta(days=days - 1 - offset)
        for rep in reps:
            refs = customers[rep.pk]
            for _conversation in range(rng.choice([1, 1, 2, 2, 3])):
                if not refs:
                    break
                ref = rng.choice(refs)
                at = datetime.combine(day, time(rng.randint(9, 20), rng.randint(0, 59)), tz)
                odds = 0.03 if careless[rep.pk] else 0.004
                lines = [("customer_to_rep", rng.choice(CUSTOMER_SAYS)), ("rep_to_customer", rng.choice(REP_SAYS))]
                if rng.random() < odds:
                    lines.append(("rep_to_customer", rng.choice(VIOLATING)))
                lines.append(("customer_to_rep", rng.choice(CUSTOMER_SAYS)))
                for direction, text in lines:
                    at += timedelta(minutes=rng.randint(1, 12))
                    if at > cut_off:
                        break
                    count += 1
                    pending.append(
                        {
                            "message_id": f"demo-msg-{count:07d}",
                            "conversation_id": f"demo-{rep.employee_no}-{ref}",
                            "rep": rep.employee_no or rep.email,
                            "customer": ref,
                            "direction": direction,
                            "sent_at": at.isoformat(),
                            "text": text,
                        }
                    )
                    if len(pending) >= MAX_BATCH:
                        flush()
    flush()
    for start in range(0, len(stored), 2000):
        messages_scan(message_ids=stored[start : start + 2000])
    _review_older(rng, today)
    return len(stored)


def _review_older(rng: random.Random, today: date) -> None:
    """Most violations older than a week have been looked at by the ops manager."""
    reviewer = User.objects.filter(roles__contains=[Role.OPS_MANAGER]).first()
    older = Violation.objects.filter(day__lt=today - timedelta(days=7))
    for violation in review_items(older).order_by("pk"):  # one decision per message covers its hits
        if rng.random() < 0.8:
            if rng.random() < 0.85:
                violation_review(violation=violation, actor=reviewer, action="confirm", note=rng.choice(CONFIRM_NOTES))
            else:
                violation_review(violation=violation, actor=reviewer, action="dismiss", note=rng.choice(DISMISS_NOTES))
