"""A labelled set of realistic rep messages for measuring the starter rule pack.

Each entry is (message as a rep would send it, the category it violates or None). Violations
cover every category and the usual evasions (full-width, traditional characters, symbols and
spaces between characters, digits with separators or in Chinese, homophones); the clean ones are
near-misses on purpose: words containing a flagged character, negated statements, order and
tracking numbers, business hotlines, the brand's own channels.
"""

INSULT, PRIVATE, FLYING, DATA, PROMISE = "insult", "private_order", "flying_order", "personal_data", "forbidden_promise"

VIOLATIONS: list[tuple[str, str]] = [
    # 辱骂客户
    ("你是不是傻逼啊，说了八百遍了", INSULT),
    ("爱买不买，别浪费我时间", INSULT),
    ("买不起就别问了好吗", INSULT),
    ("你有病吧，退什么退", INSULT),
    ("滚！别再发消息了", INSULT),
    ("你给我滚远点", INSULT),
    ("脑残才会这么用产品", INSULT),
    ("真是个蠢货，说明书都不看", INSULT),
    ("穷鬼就别来看大牌了", INSULT),
    ("關我屁事，自己去問快遞", INSULT),  # traditional
    ("你 是 不 是 傻 ❤ 逼", INSULT),  # symbols between characters
    ("ＴＭＤ烦死了，天天问", INSULT),  # full-width
    ("煞笔客户又来了", INSULT),  # homophone
    ("你神经啊，半夜发消息", INSULT),
    ("闭嘴吧你，别烦我了", INSULT),
    ("真不要脸，用完了还要退", INSULT),
    ("白痴都会用，你还问", INSULT),
    # 私单
    ("亲，你私下转账给我，比官方便宜50", PRIVATE),
    ("直接转我个人微信就行，不用走系统", PRIVATE),
    ("这单不走公司，你扫我的码付款", PRIVATE),
    ("加我私人微信，有内部价", PRIVATE),
    ("加我薇信：lily888，私下给你发货", PRIVATE),
    ("加我 V 信聊，这里不方便说", PRIVATE),
    ("加我vx：meimei_2026", PRIVATE),
    ("私-下-轉-賬更划算哦", PRIVATE),  # separators + traditional
    ("支付寶轉我就行", PRIVATE),
    ("收款码发你，扫了就行", PRIVATE),
    ("打到我个人账户，我这边帮你发", PRIVATE),
    ("我这里有内部价，找我私下拿", PRIVATE),
    ("加我小号，这个号要被公司查", PRIVATE),
    ("你加我威信吧，我用个人号给你发", PRIVATE),
    ("微信转我300，我直接寄给你", PRIVATE),
    ("绕开公司买更划算，你懂的", PRIVATE),
    ("红包转我就行，不用下单", PRIVATE),
    ("私聊我wx，给你更低的价", PRIVATE),
    # 飞单
    ("同款去淘宝买更便宜，我发你链接", FLYING),
    ("这个官方贵，你去别家买吧", FLYING),
    ("我朋友店里有货，比这里便宜", FLYING),
    ("去我自己店里拍，我给你打折", FLYING),
    ("拼多多更便宜，别在这买了", FLYING),
    ("我帮你代购，比专柜便宜三成", FLYING),
    ("外面买更便宜，官方就是贵", FLYING),
    ("去某宝搜同款，一样的货", FLYING),
    ("去 某 音 直播间买吧，有券", FLYING),
    ("我另一个店有活动，去那边下单", FLYING),
    ("換個地方買吧，這邊太貴", FLYING),  # traditional
    ("我发你个淘宝链接，去那边拍", FLYING),
    # 个人信息
    ("我手机号13812345678，有事打我", DATA),
    ("打我电话 139-1234-5678", DATA),
    ("我号码 １５８ ８８８８ ６６６６", DATA),  # full-width digits with spaces
    ("电话：幺三八一二三四五六七八", DATA),  # Chinese digits
    ("把身份证号发我一下，帮你登记", DATA),
    ("身份证照片拍一下发我", DATA),
    ("银行卡号发我，我帮你办退款", DATA),
    ("验证码发我，我帮你领券", DATA),
    ("把卡号和密码告诉我，帮你操作", DATA),
    ("我的卡号6222021234567890128，你转这里", DATA),
    ("身份证是11010519491231002X，帮你填好了", DATA),
    ("我电话 +86 137 0000 1234", DATA),
    ("把支付密码告诉我，我帮你付", DATA),
    ("收到的验证码告诉我一下", DATA),
    ("我的号码是 186.1234.5678", DATA),
    # 违规承诺
    ("这款精华保证有效，无效退款", PROMISE),
    ("百分百有效，用了就知道", PROMISE),
    ("七天美白，不白你来找我", PROMISE),
    ("这个能根治痘痘，永不复发", PROMISE),
    ("绝对安全，零副作用，孕妇都能用", PROMISE),
    ("三天见效，效果立竿见影", PROMISE),
    ("我们的产品是医用级的，能治疗痘痘", PROMISE),
    ("保證有效，不滿意全退", PROMISE),  # traditional
    ("做我们代理稳赚不赔", PROMISE),
    ("保证回本，一个月就能赚回来", PROMISE),
    ("零风险投资，月入过万", PROMISE),
    ("用了保证白，100%有效", PROMISE),
    ("包好，不好你来找我", PROMISE),
    ("这个面霜一用就好，马上见效", PROMISE),
    ("我们家的祛斑包好", PROMISE),
    ("買了保證瘦十斤", PROMISE),  # traditional
    # harder ones, written without looking at the rules
    ("加我➕V：xiaomei_88，给你更便宜的", PRIVATE),
    ("你这种人就别买了，浪费口水", INSULT),
    ("有需要可以打我电话哈：1三8 1234 五六七八", DATA),
    ("钱转我支付宝，货我直接寄", PRIVATE),
    ("这个包治百病，你放心", PROMISE),
    ("闲鱼上一样的东西便宜一半，你去那买", FLYING),
]

CLEAN: list[str | tuple[str, None]] = [
    # near-misses on insult keywords
    "这款滚珠眼霜很适合熬夜党",
    "滚动页面就能看到优惠券",
    "神经酰胺面霜修护屏障很好",
    "这款含神经酰胺，敏感肌可以用",
    "洗衣机滚筒清洁剂也有货",
    "水温别太滚烫，温水洗脸就好",
    "孩子在床上打滚，把面膜弄掉了吗？哈哈",
    "我们的会员积分可以滚雪球，越攒越多",
    "这件外套的滚边做工很细",
    "宝宝脸圆滚滚的好可爱",
    "不要傻傻等活动了，现在就有券",
    "您别着急，我帮您查一下物流",
    "没有问题，随时找我",
    # negated statements
    "我们不接受私下转账，请在官方小程序下单",
    "公司规定不能私下交易，保障您的权益",
    "严禁私下收款，请通过官方商城付款",
    "千万别去别家买，假货很多",
    "我们不会向您索要验证码，请注意防骗",
    "我们不能保证百分百有效，每个人肤质不同",
    "不承诺根治，但可以改善",
    "请勿把验证码告诉任何人",
    "我们不支持转到个人账户，请走官方渠道",
    "您不用担心，我们不做代购",
    # order and tracking numbers, hotlines
    "您的订单号是 2026112513812345678，已发货",
    "订单号13812345678901，请查收",
    "快递单号SF13812345678，明天到",
    "运单号 YT1234567890123，可以在官网查",
    "售后热线 400-888-1234，24小时在线",
    "官方客服电话 400 820 8820",
    "优惠券码 13812345 已发到您的账户",
    "工号 13800138 的同事会联系您",
    "批号 20261125001，保质期三年",
    "您的积分是 138123，可以兑换礼品",
    "货号 1381234567 的这款已经补货",
    # brand's own channels, legitimate contact
    "请在官方小程序下单，有满减",
    "官方旗舰店今天有直播",
    "加我企业微信，有问题随时问我",
    "您可以在官方商城查看订单",
    "官方客服会联系您",
    "我是您的专属顾问小美，有事随时找我",
    # ordinary conversation with numbers and words close to keywords
    "这款面霜 50ml，售价 299 元",
    "满 300 减 50，叠加会员折扣",
    "今天下单送小样三件",
    "保湿效果很好，很多顾客回购",
    "这款的效果因人而异，建议先试用装",
    "美白精华建议晚上用，白天注意防晒",
    "您的皮肤偏干，可以试试这款",
    "包装很精美，适合送礼",
    "包邮哦，明天就能发出",
    "这是正品，支持专柜验货",
    "我们的会员日是每月18号",
    "新品上市，欢迎试用",
    "您说的是淘宝的那家吗？我们只在官方渠道销售",
    "别的渠道可能是假货，建议在官方买",
    "现在下单，七天无理由退货",
    "质量问题可以全额退款",
    "有任何不满意都可以联系客服",
    "您好，我们周末有活动，欢迎到店",
    "收到您的反馈了，我们会改进",
    "这个颜色很适合您",
    "亲，记得领取新人券哦",
    "已经帮您备注了，发顺丰",
    "您的快递在派送中，请保持电话畅通",
    "谢谢亲的支持，祝您生活愉快",
    "直播间今晚八点开播，记得来",
    "您的积分快过期了，可以兑换面膜",
    "这款是医美级别的护肤理念，温和不刺激",
    "代言人同款，今天有货",
    "双11的订单都在陆续发货",
    "我们门店地址是南京路 100 号",
    "营业时间早上 10 点到晚上 10 点",
    "您可以先用小样看看效果",
    "这款精华的成分是烟酰胺",
    "您朋友也可以在官方小程序下单，有老带新福利",
    "扫码关注公众号，领取会员卡",
    "我们的微信公众号每天更新护肤知识",
    "客服微信号就是这个企业微信",
    "这个价格已经是最低了，没有内部价哦",
    "您的银行卡付款失败了，可以换个支付方式在小程序里重试",
    "付款时输入的验证码是银行发给您的，不要告诉别人",
    "身份证信息我们不需要，放心购买",
    "手机号是下单时填写的收货手机号吗？",
    "三天后到货，请注意查收",
    "这一款很滋润，一周用两次就够了",
    "我们不收红包哦，心意领了",
    # harder clean ones
    "您下单留的手机号13812345678对吗？快递员会联系您",
    "这款保证是正品，假一赔十",
    "您可以去附近的门店买，也是我们自己的店",
    "滚筒式面膜刷到货了",
    "您的会员卡号 6222 0000 1111 是我们系统里的编号",
    "退款会原路退回您的银行卡，三到五个工作日",
]


def labelled() -> list[tuple[str, str | None]]:
    return [*VIOLATIONS, *((text, None) for text in CLEAN)]


def score(scan) -> dict:
    """Precision and recall of `scan(text) -> set of categories` over the labelled set."""
    flagged = correct = found = 0
    misses, false_alarms = [], []
    for text, expected in labelled():
        categories = scan(text)
        if categories:
            flagged += 1
            if expected in categories:
                correct += 1
            else:
                false_alarms.append((text, sorted(categories)))
        if expected is not None:
            if expected in categories:
                found += 1
            else:
                misses.append((text, expected))
    positives = sum(1 for _text, expected in labelled() if expected)
    return {
        "messages": len(labelled()),
        "violating": positives,
        "clean": len(labelled()) - positives,
        "precision": correct / flagged if flagged else 1.0,
        "recall": found / positives,
        "misses": misses,
        "false_alarms": false_alarms,
    }
