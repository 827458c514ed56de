"""Starter additions per industry, chosen at signup: the competitors a brand of that industry loses
customers to (the starter pack's competitor rule ships empty) and the promises its regulators
forbid that the general pack does not phrase. Brands edit the rules like any other afterwards."""

from apps.tenants.models import Industry

COMPETITORS: dict[str, list[str]] = {
    Industry.BEAUTY: [
        "完美日记", "花西子", "珀莱雅", "薇诺娜", "欧莱雅", "雅诗兰黛", "兰蔻", "资生堂", "玉兰油", "olay",
        "科颜氏", "百雀羚", "自然堂", "丸美", "橘朵", "毛戈平", "彩棠", "修丽可", "娇韵诗", "sk2", "sk-ii",
    ],
    Industry.BABY: [
        "飞鹤", "爱他美", "美赞臣", "惠氏", "君乐宝", "雅培", "伊利金领冠", "帮宝适", "花王",
        "贝亲", "babycare", "十月结晶", "全棉时代", "可优比", "袋鼠妈妈", "启赋", "合生元",
    ],
    Industry.FOOD: [
        "三只松鼠", "良品铺子", "百草味", "元气森林", "农夫山泉", "喜茶", "奈雪", "瑞幸", "星巴克", "蒙牛",
        "伊利", "认养一头牛", "王小卤", "卫龙", "盐津铺子", "来伊份", "东方树叶", "茶颜悦色",
    ],
    Industry.APPAREL: [
        "优衣库", "zara", "h&m", "太平鸟", "森马", "海澜之家", "lululemon", "李宁", "安踏", "波司登",
        "蕉下", "ubras", "江南布衣", "歌莉娅", "mo&co", "鸭鸭", "耐克", "阿迪达斯",
    ],
    Industry.OTHER: [],
}

# (rule name, keywords, description): promises each industry's regulators forbid.
PROMISES: dict[str, tuple[str, list[str], str]] = {
    Industry.BEAUTY: (
        "违规承诺：特证功效",
        ["祛斑", "去皱", "祛痘印", "生发", "防脱发", "丰胸", "瘦脸针", "医学级", "药妆", "治疗痘痘", "永久脱毛"],
        "普通化妆品宣称特殊用途或医疗效果（《化妆品监督管理条例》）。",
    ),
    Industry.BABY: (
        "违规承诺：婴幼儿功效",
        ["保证长高", "长高个", "增强免疫力", "提高免疫力", "预防过敏", "提高智力", "更聪明", "比母乳", "替代母乳",
         "母乳化", "防止生病", "治疗湿疹", "治黄疸"],
        "婴幼儿食品和用品不得宣称功效或替代母乳（《广告法》第二十条）。",
    ),
    Industry.FOOD: (
        "违规承诺：食品功效",
        ["降血糖", "降血压", "降血脂", "抗癌", "防癌", "包瘦", "保证瘦", "月瘦", "掉秤", "排毒", "壮阳",
         "调理三高", "治失眠"],
        "普通食品不得宣称疾病预防、治疗功能（《食品安全法》第七十三条）。",
    ),
    Industry.APPAREL: (
        "违规承诺：面料功效",
        ["永不起球", "永不褪色", "永不变形", "百分百防晒", "绝对防水", "抗菌率百分百", "穿了显瘦十斤", "保证不缩水"],
        "对面料或穿着效果作绝对化承诺（《广告法》第九条）。",
    ),
}
