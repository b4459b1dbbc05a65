from kefu.bot.normalize import cn_numeral_to_int, normalize, to_halfwidth, to_simplified


def test_fullwidth_to_halfwidth():
    assert to_halfwidth("ＡＢＣ１２３！") == "ABC123!"
    assert normalize("ＫＥＦＵ　１２３") == "kefu 123"


def test_traditional_to_simplified():
    assert to_simplified("請問怎麼辦") == "请问怎么办"
    assert normalize("後來頭髮") == "后来头发"


def test_case_folding_and_punctuation():
    assert normalize("Hello，World！") == "hello,world!"
    assert normalize("“退款”？……", strip_punct=True) == "退款"


def test_chinese_numerals():
    assert cn_numeral_to_int("十二") == 12
    assert cn_numeral_to_int("两百零五") == 205
    assert cn_numeral_to_int("三万五千") == 35000
    assert cn_numeral_to_int("二〇二四") == 2024
    assert cn_numeral_to_int("abc") is None
    assert normalize("三个月") == "3个月"
    assert normalize("第十二次") == "第12次"
    # idioms are left alone
    assert normalize("一般来说万一") == "一般来说万一"
