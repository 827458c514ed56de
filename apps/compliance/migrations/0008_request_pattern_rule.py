"""A rule that reads a request for personal data by its shape, not a list of phrasings: asking
verbs (发我, 拍一下, 报一下, 提供一下 …) within a few characters of a sensitive object (身份证,
卡号, 验证码, 密码 …), in either order and within one sentence. Added to every brand."""

from django.db import migrations, models

ASK = (
    "发我|发给我|告诉我|报给我|给我|拍给我|拍一下|拍个照|拍照|发一下|发过来|报一下|念一下|说一下|"
    "提供一下|提供下|截图给我|截个图|上传一下|传一下|填一下"
)
OBJECT = (
    "身份证|证件照|证件号|户口本|护照|银行卡|卡号|信用卡|储蓄卡|卡背面|验证码|短信码|动态码|校验码|密码|cvv|安全码|"
    "收到的(?:那个)?码|短信(?:里|上)?的(?:那个)?码"
)
GAP = "[^。!?;\\n]{0,8}"  # the same sentence (the text is folded: full-width ！？； are ASCII here)
PATTERN = f"(?:{ASK}){GAP}(?:{OBJECT})|(?:{OBJECT}){GAP}(?:{ASK})"
RULES = [
    {
        "name": "索要敏感信息：请求句式",
        "category": "personal_data",
        "severity": "high",
        "kind": "pattern",
        "pattern": PATTERN,
        "description": "让客户发、拍、报、提供身份证、卡号、验证码、密码等：按句式识别，词序不限。",
    }
]


def create(apps, schema_editor):
    Rule = apps.get_model("compliance", "Rule")
    for spec in RULES:
        fields = {
            "applies_to": "rep",
            "skip_negated": True,
            "keywords": [],
            "exceptions": [],
            "detector": "",
            **spec,
        }
        Rule.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    # Running workers cache each brand's compiled rules by this version.
    ComplianceSettings = apps.get_model("compliance", "ComplianceSettings")
    ComplianceSettings.objects.filter(pk=1).update(rules_version=models.F("rules_version") + 1)


def remove(apps, schema_editor):
    names = [spec["name"] for spec in RULES]
    apps.get_model("compliance", "Rule").objects.filter(name__in=names, violations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0007_appeals")]
    operations = [migrations.RunPython(create, remove)]
