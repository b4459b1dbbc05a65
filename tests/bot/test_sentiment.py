from kefu.bot.sentiment import analyze, is_negative


def test_angry_chinese():
    assert is_negative("你们这是骗子公司，我要投诉！！！")
    assert is_negative("垃圾服务，赶紧退钱")
    assert analyze("太差劲了").score > analyze("差").score


def test_positive_and_neutral():
    assert not is_negative("服务很好，谢谢")
    assert not is_negative("我想查询一下订单")
    assert analyze("我想查询一下订单").score == 0.5


def test_negation():
    assert is_negative("不好用")
    assert not is_negative("不错，挺满意")
    assert not is_negative("not bad at all")


def test_english_and_caps():
    assert is_negative("This is a scam, worst service ever")
    assert analyze("THIS IS TERRIBLE").score > analyze("this is terrible").score
    assert not is_negative("Thanks, great help")
