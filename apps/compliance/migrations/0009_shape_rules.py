"""Rules by shape rather than by listed phrasing, added to every brand: steering an order to
another platform (a platform and a verb or a price word around it), money to the rep's own
account in Chinese or English, the internet's spellings of insults, and promises of weight loss,
height and cures."""

from django.db import migrations, models

PLATFORM = (
    "淘宝|某宝|tb|拼多多|拼夕夕|pdd|某多多|闲鱼|咸鱼|转转|得物|唯品会|唯品|京东|某东|抖音|某音|抖店|dy|快手|小红书|"
    "1688|微店"
)
RELATIVE = "朋友|同学|亲戚|闺蜜|姐|哥|妹|嫂子|老公|表姐|表哥|表妹|熟人|认识的"
GAP = "[^。!?;\\n]{0,8}"  # within one sentence (the text is folded: ！？； are ASCII here)
ELSEWHERE = (
    f"(?:去|到|上|在)(?:{PLATFORM})(?:上|里|那边|那)?(?:买|拍|下单|搜|看看)"
    f"|(?:{PLATFORM})(?:上|里|那边|那)?{GAP}(?:便宜|价格(?:更)?低|价低|划算|打折|一样的|同款)"
    # someone the rep knows: 去我姐开的店拿, 找我认识的代购
    f"|(?:去|到|找|来)(?:我的?|我家)?(?:{RELATIVE}){GAP}(?:店|那|工作室|代购)"
    f"|(?:我的?|我家)(?:{RELATIVE})[^。!?;\\n]{{0,4}}(?:店|工作室)"
    "|(?:去|找|让)[^。!?;\\n]{0,4}代购"
)
CONTACT = "微信|薇信|威信|维信|徽信|胃信|v信|vx|wx|weixin|卫星|小号|私人号|个人号|私号"
ADD_ME = f"加(?:一?下)?我(?:的)?(?:私人|个人|另一个)?(?:{CONTACT}|v(?:$|[^a-z]))"
EFFECT = "美白|变白|白一度|白皙|瘦|祛|斑|痘|皱|见效|有效|长高|生发|治好|好转|年轻"
PROMISE = (
    f"(?:包你|保证|根除|根治|百分之?百|100%|绝对)[^。!?;\\n]{{0,4}}(?:{EFFECT})"
    "|(?:一周|七天|三天|一次|[0-9一二三四五六七八九十]+天)内?就?(?:见效|淡斑|美白|变白|祛|去痘|去皱|去黑头|瘦|白)"
    "|彻底(?:去除|祛除|根除|消除|治好)"
)
CHANNEL = "支付宝|微信|银行卡|储蓄卡|工资卡|私人卡|个人卡|卡上|零钱|账户|账上|zfb|vx|wx|wechat|alipay|paypal"
TO_ME = (
    f"(?:转|打|付|汇|给|扫)(?:到|给)?我(?:的)?(?:个人|私人)?(?:{CHANNEL})"
    "|pay me|transfer (?:it |the money )?to me|send (?:the )?money to me|paypal me"
)
RULES = [
    {
        "name": "飞单：引到别的平台（句式）",
        "category": "flying_order",
        "severity": "high",
        "kind": "pattern",
        "pattern": ELSEWHERE,
        "description": "让客户去其他平台下单，或拿其他平台的价格比：平台名和买、拍、便宜等词在同一句里。",
    },
    {
        "name": "私单：钱转到个人（句式）",
        "category": "private_order",
        "severity": "high",
        "kind": "pattern",
        "pattern": TO_ME,
        "description": "让客户把钱转到导购个人的支付宝、微信、银行卡（含英文说法）。",
    },
    {
        "name": "私单：加私人联系方式（句式）",
        "category": "private_order",
        "severity": "medium",
        "kind": "pattern",
        "pattern": ADD_ME,
        "description": "加我、加下我后跟微信或它的谐音、字母写法、小号：脱离企业微信的管理。",
    },
    {
        "name": "违规承诺：功效（句式）",
        "category": "forbidden_promise",
        "severity": "high",
        "kind": "pattern",
        "pattern": PROMISE,
        "description": "保证、包你、根除、百分百后几个字内跟着功效：美白、瘦、祛斑、见效等。",
    },
    {
        "name": "辱骂客户：网络用语",
        "category": "insult",
        "severity": "high",
        "kind": "keywords",
        "skip_negated": False,
        "keywords": [
            "sb", "nmsl", "cnm", "nmd", "nmb", "wdnmd", "rnm", "tm的", "脑瘫", "智障", "傻狗", "狗东西",
            "垃圾人", "你配吗", "滚粗", "你这种人", "浪费口水", "穷酸", "土鳖", "low逼", "傻帽", "憨批",
            "一边去", "懒得理你", "死开", "二货", "也配", "你算老几", "别烦我", "少来烦我", "烦死了",
            "别浪费我时间", "别逼逼", "叽叽歪歪", "缺心眼", "死脑筋",
        ],
        "description": "拼音缩写、字母替代和网络用语写的辱骂、嘲讽。",
    },
    {
        "name": "违规承诺：减重、身高与疗效",
        "category": "forbidden_promise",
        "severity": "high",
        "kind": "keywords",
        "keywords": [
            "保证瘦", "包瘦", "一定瘦", "瘦十斤", "月瘦", "掉秤", "躺着瘦", "不反弹", "保证长高", "长高五厘米",
            "治愈", "药到病除", "包治百病", "彻底治好", "保证怀上", "亩产翻倍", "保证增产",
        ],
        "description": "对减重、身高、疗效、产量作保证（《广告法》第十七、二十八条）。",
    },
]


def create(apps, schema_editor):
    Rule = apps.get_model("compliance", "Rule")
    for spec in RULES:
        fields = {"applies_to": "rep", "skip_negated": True, "keywords": [], "exceptions": [], "pattern": "",
                  "detector": "", **spec}
        Rule.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    # Running workers cache each brand's compiled rules by this version.
    apps.get_model("compliance", "ComplianceSettings").objects.filter(pk=1).update(
        rules_version=models.F("rules_version") + 1
    )


def remove(apps, schema_editor):
    names = [spec["name"] for spec in RULES]
    apps.get_model("compliance", "Rule").objects.filter(name__in=names, violations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0008_request_pattern_rule")]
    operations = [migrations.RunPython(create, remove)]
