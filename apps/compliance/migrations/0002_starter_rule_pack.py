"""Every brand starts with a starter rule pack in Chinese, one or more rules per category, and an
allow list; new brands get these rows by cloning the template schema. Brands edit them freely."""

from django.db import migrations

KEYWORDS, PATTERN, DETECTOR = "keywords", "pattern", "detector"
CONTACT_VARIANTS = ["微信", "薇信", "威信", "维信", "徽信", "v信", "vx", "wx", "weixin", "微x", "v", "卫星", "胃信"]

RULES = [
    {
        "name": "辱骂客户",
        "category": "insult",
        "severity": "high",
        "skip_negated": False,
        "keywords": [
            "傻逼", "傻b", "傻比", "煞笔", "沙比", "傻叉", "傻x", "脑残", "脑子有病", "神经病", "有病吧", "你有病",
            "神经", "滚", "滚蛋", "滚远点", "去死", "废物", "白痴", "弱智", "蠢货", "蠢猪", "猪脑子", "你妈的",
            "尼玛", "他妈的", "tmd", "妈的", "贱人", "穷鬼", "穷逼", "爱买不买", "买不起就别", "爱要不要",
            "关我屁事", "找骂", "闭嘴", "滚犊子", "没素质", "臭不要脸", "不要脸", "死穷",
        ],
        "exceptions": [
            "滚动", "滚筒", "滚珠", "翻滚", "滚烫", "滚轮", "滚边", "打滚", "滚雪球", "滚圆", "滚滚", "神经酰胺",
            "神经系统", "神经末梢", "神经性", "神经元", "神经紧张", "闭嘴笑",
        ],
        "description": "对客户说脏话、侮辱、嘲讽或赶客。",
    },
    {
        "name": "私单：私下收款",
        "category": "private_order",
        "severity": "high",
        "keywords": [
            "私下转账", "私下付款", "私下交易", "私下收款", "私下给你", "私下买", "私下拿货", "私下下单", "私下发货",
            "转我个人", "转到我个人", "转给我个人", "打到我个人", "我个人账户", "个人账户", "私人账户", "我私人账户",
            "我的收款码", "私人收款码", "个人收款码", "收款码发你", "扫我的码", "扫我收款码", "微信转我", "支付宝转我",
            "直接转我", "转账给我", "红包转我", "发红包给我", "不走公司", "不走系统", "不走官方", "绕开公司",
            "不用走官方", "走我这边", "内部价私下", "找我私下拿", "我这里有内部价", "走我个人",
        ],
        "description": "引导客户绕开品牌，把钱转到导购个人或私下交易。",
    },
    {
        "name": "私单：拉到私人微信",
        "category": "private_order",
        "severity": "medium",
        "keywords": [f"{prefix}{contact}" for prefix in ("加我私人", "加我个人", "加我的私人", "私聊我", "加我小号")
                     for contact in CONTACT_VARIANTS if contact not in ("v",)]
        + [f"加我{contact}" for contact in CONTACT_VARIANTS if contact not in ("微信", "v")]
        + ["加我小号", "加我私人号", "私人微信", "私人号加我", "我私人号"],
        "description": "让客户加导购的私人微信（含谐音、字母变体），脱离企业微信的管理。",
    },
    {
        "name": "飞单：引到别的渠道",
        "category": "flying_order",
        "severity": "high",
        "keywords": [
            "去别家买", "别家买", "别的店买", "去别的店", "去淘宝买", "淘宝更便宜", "拼多多更便宜", "拼多多买",
            "某宝更便宜", "去某宝", "某宝买", "去某音", "某音买", "闲鱼买", "我朋友店里", "我朋友的店", "朋友店里买",
            "我另一个店", "我自己的店", "我自己店里", "去我店里拍", "我帮你代购", "找代购", "代购更便宜", "我有代购",
            "外面买更便宜", "外面更便宜", "同款更便宜", "换个地方买", "别在官方买", "别在这买", "官方贵", "不要在官方下单",
            "我给你发个别的链接", "我发你个淘宝链接", "去我朋友那",
        ],
        "description": "把客户引到其他卖家、平台或导购自己的店，订单流失出品牌。",
    },
    {
        "name": "索要或泄露：手机号",
        "category": "personal_data",
        "severity": "medium",
        "kind": DETECTOR,
        "detector": "mobile",
        "description": "导购发出的消息里出现大陆手机号（含空格、横线、全角、中文数字写法）。",
    },
    {
        "name": "索要或泄露：身份证号",
        "category": "personal_data",
        "severity": "high",
        "kind": DETECTOR,
        "detector": "id_card",
        "description": "消息里出现校验位正确的 18 位身份证号。",
        "applies_to": "both",
    },
    {
        "name": "索要或泄露：银行卡号",
        "category": "personal_data",
        "severity": "high",
        "kind": DETECTOR,
        "detector": "bank_card",
        "description": "消息里出现通过 Luhn 校验的银行卡号。",
        "applies_to": "both",
    },
    {
        "name": "索要敏感信息",
        "category": "personal_data",
        "severity": "high",
        "keywords": [
            "发我身份证", "身份证号发我", "身份证发我", "把身份证", "身份证号码发", "身份证照片", "拍一下身份证",
            "银行卡号发我", "卡号发我", "把卡号", "银行卡号码发", "你的银行卡", "银行卡密码", "密码告诉我", "密码发我",
            "验证码发我", "验证码告诉我", "把验证码", "发个验证码", "收到的验证码", "支付密码", "身份证正反面",
        ],
        "description": "向客户索要身份证、银行卡、密码、验证码等敏感信息。",
    },
    {
        "name": "违规承诺：功效",
        "category": "forbidden_promise",
        "severity": "high",
        "keywords": [
            "保证有效", "百分百有效", "100%有效", "百分之百有效", "无效退款", "无效全额退款", "包治", "包好", "根治",
            "永不复发", "永久去除", "三天见效", "七天美白", "一周美白", "立刻见效", "立竿见影", "马上见效",
            "绝对有效", "一用就好", "保证不过敏", "绝对安全", "无任何副作用", "零副作用", "医用级", "药用级",
            "治疗痘痘", "治好", "祛斑包好", "保证白", "保证瘦",
        ],
        "description": "对功效作保证或医疗化承诺（广告法、化妆品监管不允许）。",
    },
    {
        "name": "违规承诺：收益",
        "category": "forbidden_promise",
        "severity": "high",
        "keywords": [
            "保证收益", "稳赚", "稳赚不赔", "保本", "保证回本", "零风险", "包赚", "躺赚", "一定能赚", "保证赚钱",
            "收益翻倍", "月入过万", "包回本",
        ],
        "description": "对收益、回本作保证。",
    },
    {
        "name": "竞品撬单",
        "category": "competitor",
        "severity": "medium",
        "keywords": [],
        "description": "竞品品牌名或竞品挖客话术：由品牌自行填写。",
    },
]
ALLOW = [
    ("官方小程序", "品牌自己的下单渠道"),
    ("官方商城", "品牌自己的下单渠道"),
    ("官方旗舰店", "品牌自己的下单渠道"),
    ("官方客服", "品牌自己的服务渠道"),
]


def create(apps, schema_editor):
    Rule = apps.get_model("compliance", "Rule")
    AllowPhrase = apps.get_model("compliance", "AllowPhrase")
    ComplianceSettings = apps.get_model("compliance", "ComplianceSettings")
    for spec in RULES:
        fields = {"kind": KEYWORDS, "applies_to": "rep", "skip_negated": True, "keywords": [], "exceptions": [],
                  "pattern": "", "detector": "", **spec}
        fields["keywords"] = list(dict.fromkeys(fields["keywords"]))
        Rule.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    for phrase, note in ALLOW:
        AllowPhrase.objects.get_or_create(phrase=phrase, defaults={"note": note})
    ComplianceSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
