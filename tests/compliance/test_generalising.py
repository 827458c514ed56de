"""What the starter pack catches beyond the phrasings it lists: requests for personal data by
their shape, numbers in 大写 numerals, ID numbers under districts newer than any table, and the
near-misses each of those must leave alone. None of these sentences is in the labelled set."""

import pytest
from stdnum.cn import ric

from apps.compliance.services.scanning import ruleset_current


@pytest.fixture
def categories(alpha):
    with alpha:
        rules = ruleset_current()
    return lambda text: {hit.rule.category for hit in rules.scan(text, "rep")}


@pytest.mark.parametrize(
    "text",
    [
        "麻烦把身份证正面拍一下发过来，我帮您登记",
        "您收到的那个码报一下，我这边帮您核验",
        "卡号和背面的cvv发我一下",
        "提供一下您的证件号码，方便开票",
        "亲，验证码念一下给我",
        "把你的信用卡拍个照给我看看",
        "密码说一下我帮你登录",
        "告诉我您的银行卡号",
    ],
)
def test_a_request_for_personal_data_is_read_by_its_shape(categories, text):
    assert "personal_data" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "验证码会发到您手机，请勿告诉任何人",
        "千万不要把验证码发给任何人哦",
        "我们不会向您索要银行卡密码",
        "我们不会让您把验证码发给我们",
        "您可以用银行卡支付",
        "身份证复印件在官方小程序上传就行",
        "这款卡包能放身份证和银行卡",
        "拍一下产品的照片给我看看是哪款",
        "密码锁的款式有三种",
    ],
)
def test_talk_about_cards_and_codes_that_asks_for_nothing_is_clean(categories, text):
    assert "personal_data" not in categories(text)


def test_numbers_in_capital_numerals_and_ids_of_new_districts_are_read(categories):
    assert "personal_data" in categories("加我电话：壹叁捌 壹贰叁肆 伍陆柒捌")
    newer = "13310119900307123"  # a district stdnum's table does not know (and crashed on)
    number = newer + ric.calc_check_digit(newer + "X")
    assert "personal_data" in categories(f"您的身份证号是 {number} 对吧")
    wrong_check = number[:-1] + ("1" if number[-1] != "1" else "2")
    assert "personal_data" not in categories(f"单据编码 {wrong_check}")
    impossible_day = "11010519491331002"
    assert "personal_data" not in categories(f"{impossible_day}{ric.calc_check_digit(impossible_day + 'X')}")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("闲鱼上一样的东西便宜一半，你去那买", "flying_order"),
        ("你去得物搜一下同款，那边便宜多了", "flying_order"),
        ("上拼夕夕买吧，价格更低", "flying_order"),
        ("钱转我支付宝，货我直接寄", "private_order"),
        ("直接打到我的银行卡上就行", "private_order"),
        ("Just pay me directly, cheaper", "private_order"),
        ("你是不是sb啊，听不懂吗", "insult"),
        ("你这种人就别买了，浪费口水", "insult"),
        ("吃完保证瘦十斤，不反弹", "forbidden_promise"),
        ("这个坚持喝能治愈胃病", "forbidden_promise"),
    ],
)
def test_steering_money_insults_and_promises_are_read_beyond_the_listed_phrasings(categories, text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们京东旗舰店也能下单，一样是官方发货",
        "抖音直播间今晚八点开播，记得来看",
        "请通过官方小程序付款，不要转给任何个人",
        "充电线是usb接口的，您放心",  # inside an ASCII word, not the insult
        "我们不会让您私下转账给我",
        "这款坚持用皮肤会变好，但不保证瘦",
        "听说闲鱼上更便宜，不过那边很多是仿品，您注意",  # a claim quoted to reject it
    ],
)
def test_the_same_words_in_innocent_sentences_stay_clean(categories, text):
    found = categories(text)
    assert found <= {"competitor"}, found


def test_a_quoted_claim_is_let_go_but_what_follows_it_is_read(categories):
    assert "flying_order" in categories("有人说淘宝便宜，其实去我朋友的店拿更便宜")
    assert "flying_order" in categories("淘宝更便宜，你去那买")  # no one is quoted
