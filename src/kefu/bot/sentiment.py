"""Negative-sentiment / anger detection for Chinese and English customer messages.

A hand-written lexicon with rules: negators flip the polarity of the next sentiment word
(不好 → negative, 不错 is its own positive entry), intensifiers amplify it, complaint and
escalation words (投诉, 差评, 骗子, 退钱, scam, lawyer) count strongly, and repeated
exclamation marks or English words in capitals add anger.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from kefu.bot.normalize import normalize

_NEGATIVE_ZH = {
    # complaints, escalation, anger: strong
    "投诉": 3.0,
    "差评": 3.0,
    "垃圾": 3.0,
    "骗子": 3.0,
    "骗人": 3.0,
    "欺骗": 3.0,
    "诈骗": 3.0,
    "坑人": 3.0,
    "退钱": 2.5,
    "还钱": 2.5,
    "举报": 3.0,
    "曝光": 2.5,
    "消协": 3.0,
    "315": 2.5,
    "起诉": 3.0,
    "律师": 2.0,
    "报警": 3.0,
    "黑心": 3.0,
    "无良": 3.0,
    "奸商": 3.0,
    "坑爹": 3.0,
    "滚": 2.5,
    "妈的": 3.0,
    "他妈": 3.0,
    "操": 2.0,
    "tmd": 3.0,
    "nnd": 2.5,
    "sb": 3.0,
    "傻逼": 3.0,
    "傻": 1.5,
    "混蛋": 3.0,
    "王八": 3.0,
    "气死": 3.0,
    "愤怒": 3.0,
    "生气": 2.5,
    "火大": 2.5,
    "恼火": 2.5,
    "受够": 3.0,
    "忍无可忍": 3.0,
    "太过分": 3.0,
    "过分": 2.0,
    "恶心": 2.5,
    "无语": 2.0,
    "无耻": 3.0,
    "忽悠": 2.5,
    "耍": 1.5,
    "烂": 2.0,
    "破": 1.0,
    "坑": 2.0,
    "骗": 2.5,
    "差劲": 2.5,
    "太差": 2.5,
    "很差": 2.5,
    "真差": 2.5,
    "差": 1.5,
    "糟糕": 2.5,
    "糟": 1.5,
    "失望": 2.5,
    "后悔": 2.5,
    "上当": 3.0,
    "不值": 2.0,
    # dissatisfaction: medium
    "难用": 2.0,
    "难看": 1.5,
    "难吃": 2.0,
    "难受": 1.5,
    "慢": 1.0,
    "太慢": 2.0,
    "卡": 0.8,
    "吵": 1.5,
    "脏": 2.0,
    "乱": 1.0,
    "旧": 1.0,
    "贵": 1.0,
    "太贵": 2.0,
    "坏": 1.5,
    "坏了": 2.0,
    "故障": 1.5,
    "问题": 0.6,
    "毛病": 1.5,
    "缺陷": 1.5,
    "错误": 1.0,
    "不满": 2.5,
    "不爽": 2.5,
    "郁闷": 2.0,
    "遗憾": 1.5,
    "可惜": 1.5,
    "无聊": 2.0,
    "枯燥": 2.0,
    "浪费": 2.0,
    "白费": 2.0,
    "敷衍": 2.5,
    "推卸": 2.5,
    "拖延": 2.0,
    "拖": 1.0,
    "态度差": 3.0,
    "没人管": 2.5,
    "没人理": 2.5,
    "不理": 2.0,
    "退货": 1.5,
    "退款": 1.2,
    "赔偿": 1.5,
    "索赔": 2.0,
    "一般般": 1.2,
    "凑合": 1.0,
    "勉强": 1.0,
    "粗糙": 2.0,
    "简陋": 1.5,
    "肤浅": 2.0,
    "抄袭": 2.5,
    "盗版": 2.5,
    "错别字": 1.5,
    "误导": 2.0,
    "虚假": 2.5,
    "假货": 3.0,
    "假的": 2.0,
    "缺页": 2.0,
    "破损": 2.0,
    "发霉": 2.5,
    "异味": 2.0,
    "噪音": 1.5,
    "闷": 1.0,
    "冷漠": 2.0,
    "不耐烦": 2.5,
    "麻烦": 1.0,
    "折腾": 1.5,
    "痛苦": 2.0,
    "讨厌": 2.5,
    "烦": 1.5,
    "烦死": 3.0,
    "可恶": 2.5,
    "不行": 1.5,
    "不好": 2.0,
    "不值得": 2.5,
    "不推荐": 2.5,
    "别买": 3.0,
    "不要买": 3.0,
    "再也不": 2.5,
    "差强人意": 2.0,
    "名不副实": 2.5,
    "言过其实": 2.5,
    "大失所望": 3.0,
    "莫名其妙": 2.0,
    "乱七八糟": 2.5,
    "一塌糊涂": 3.0,
}
_NEGATIVE_ZH.update(
    {
        "不如": 2.0,
        "不怎么样": 2.5,
        "没意思": 2.0,
        "没什么意思": 2.5,
        "不稳定": 1.5,
        "装不上": 2.0,
        "不入流": 2.5,
        "吃力": 1.5,
        "没有营养": 2.0,
        "歪": 1.0,
        "松": 0.8,
        "不适合": 1.5,
        "次品": 2.5,
        "气愤": 3.0,
        "不信任": 2.0,
        "不明白": 1.0,
        "编造": 2.0,
        "居然": 1.0,
        "竟然": 1.0,
        "匪夷所思": 2.0,
        "搞不懂": 2.0,
        "形同虚设": 2.5,
        "空洞": 2.0,
        "不知所云": 2.5,
        "废话": 2.0,
        "浪费时间": 2.5,
        "失败": 2.0,
        "可笑": 2.0,
        "不舒服": 2.0,
        "霉味": 2.0,
        "臭": 2.0,
        "不干净": 2.5,
        "缺点": 1.0,
        "不足": 1.0,
        "不够": 1.0,
        "不能": 0.8,
        "无法": 1.0,
        "没法": 1.5,
        "根本": 1.0,
        "一般": 1.0,
        "太小": 1.5,
        "太重": 1.5,
        "倒霉": 2.0,
        "晕": 1.0,
        "不理想": 2.0,
        "没用": 2.0,
        "不值": 2.0,
        "不划算": 2.0,
        "不专业": 2.0,
        "不负责": 2.5,
        "不靠谱": 2.5,
        "不清楚": 1.0,
        "看不懂": 1.5,
        "不好意思": 0.3,
        "凑合": 1.2,
        "将就": 1.5,
        "差点": 0.5,
    }
)
_POSITIVE_ZH = {
    "好": 1.0,
    "很好": 2.0,
    "不错": 1.8,
    "满意": 2.0,
    "喜欢": 1.8,
    "推荐": 1.5,
    "值得": 1.5,
    "值": 1.0,
    "棒": 2.0,
    "赞": 2.0,
    "优秀": 2.0,
    "精彩": 2.0,
    "完美": 2.5,
    "漂亮": 1.5,
    "舒适": 1.5,
    "舒服": 1.5,
    "方便": 1.2,
    "干净": 1.5,
    "实惠": 1.5,
    "划算": 1.5,
    "便宜": 1.0,
    "快": 0.8,
    "及时": 1.2,
    "热情": 1.5,
    "周到": 1.5,
    "耐心": 1.5,
    "专业": 1.2,
    "感谢": 1.5,
    "谢谢": 1.2,
    "感动": 1.8,
    "开心": 1.8,
    "高兴": 1.8,
    "愉快": 1.8,
    "好看": 1.5,
    "好用": 1.8,
    "好吃": 1.8,
    "实用": 1.5,
    "清晰": 1.2,
    "流畅": 1.2,
    "经典": 1.5,
    "受益": 2.0,
    "收获": 1.5,
    "启发": 1.5,
    "有用": 1.5,
    "有意思": 1.5,
    "有趣": 1.5,
    "生动": 1.5,
    "深刻": 1.2,
    "值得一读": 2.5,
    "爱不释手": 2.5,
    "物超所值": 2.5,
    "五星": 2.0,
    "好评": 2.0,
    "支持": 1.0,
    "惊喜": 1.8,
    "超值": 2.0,
    "贴心": 1.8,
    "温馨": 1.5,
    "安静": 1.0,
    "宽敞": 1.5,
    "到位": 1.2,
    "给力": 2.0,
    "靠谱": 1.8,
    "放心": 1.5,
    "解决": 0.8,
    "挺好": 1.8,
    "真好": 2.0,
    "好书": 2.0,
    "佳": 1.5,
    "美": 0.8,
    "强": 0.8,
    "正品": 1.5,
    "精美": 1.8,
}
_NEGATIVE_EN = {
    "terrible": 3.0,
    "horrible": 3.0,
    "awful": 3.0,
    "worst": 3.0,
    "scam": 3.0,
    "fraud": 3.0,
    "liar": 3.0,
    "lie": 2.0,
    "lied": 2.5,
    "cheat": 3.0,
    "cheated": 3.0,
    "ripoff": 3.0,
    "rip-off": 3.0,
    "refund": 1.5,
    "complaint": 2.5,
    "complain": 2.5,
    "sue": 3.0,
    "lawyer": 2.0,
    "angry": 3.0,
    "furious": 3.0,
    "annoyed": 2.0,
    "annoying": 2.0,
    "disappointed": 2.5,
    "disappointing": 2.5,
    "useless": 2.5,
    "garbage": 3.0,
    "trash": 3.0,
    "crap": 3.0,
    "sucks": 3.0,
    "hate": 3.0,
    "bad": 1.5,
    "poor": 1.5,
    "broken": 2.0,
    "slow": 1.0,
    "ridiculous": 2.5,
    "unacceptable": 3.0,
    "wtf": 3.0,
    "damn": 2.0,
    "stupid": 2.5,
    "idiot": 3.0,
    "waste": 2.0,
    "never": 0.5,
    "rude": 2.5,
    "fake": 2.5,
}
_POSITIVE_EN = {
    "good": 1.0,
    "great": 2.0,
    "excellent": 2.5,
    "thanks": 1.2,
    "thank": 1.2,
    "love": 2.0,
    "perfect": 2.5,
    "awesome": 2.5,
    "helpful": 2.0,
    "nice": 1.5,
    "happy": 1.8,
    "satisfied": 2.0,
    "amazing": 2.5,
}
_CONTRASTS_ZH = ("但是", "可是", "不过", "但", "可惜", "就是")
_NEGATORS_ZH = ("不是很", "不太", "没有", "不是", "并不", "从不", "毫不", "绝不", "不", "没", "无", "别", "非", "未")
_NEGATORS_EN = {"not", "no", "never", "dont", "don't", "didnt", "didn't", "isnt", "isn't", "wasnt", "cannot"}
_INTENSIFIERS_ZH = {
    "非常": 1.6,
    "特别": 1.6,
    "十分": 1.5,
    "极其": 1.8,
    "超级": 1.6,
    "太": 1.5,
    "真": 1.3,
    "很": 1.3,
    "相当": 1.4,
    "实在": 1.4,
    "简直": 1.6,
    "最": 1.5,
    "超": 1.4,
    "巨": 1.5,
    "好": 1.2,
}
_INTENSIFIERS_EN = {"very": 1.5, "so": 1.4, "really": 1.4, "extremely": 1.8, "totally": 1.5, "absolutely": 1.6}

_BARE_NEGATION = 0.3  # a negation with no sentiment word after it still leans negative
_ZH_TERMS = sorted({*_NEGATIVE_ZH, *_POSITIVE_ZH, *_NEGATORS_ZH, *_INTENSIFIERS_ZH}, key=lambda w: (-len(w), w))
_ZH_PATTERN = re.compile("|".join(re.escape(w) for w in _ZH_TERMS))
_EN_WORD = re.compile(r"[a-z][a-z'\-]*|\d+")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_BANGS = re.compile(r"[!?]{2,}")


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Negativity in [0, 1] (0.5 = neutral), the decision, and the raw lexicon balance."""

    score: float
    is_negative: bool
    raw: float


def _scan_zh(text: str) -> float:
    total = 0.0
    negate_until = -1
    boost, boost_until = 1.0, -1
    emphasis = 1.0  # sentiment after a contrast (但是, 不过) outweighs what came before
    for match in _ZH_PATTERN.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        if word in _CONTRASTS_ZH and word not in _NEGATIVE_ZH:
            emphasis = 1.5
            continue
        if word in _NEGATORS_ZH and word not in _NEGATIVE_ZH:
            negate_until = end + 3  # the next sentiment word within three characters
            total += _BARE_NEGATION
            continue
        if word in _INTENSIFIERS_ZH and word not in _NEGATIVE_ZH and word not in _POSITIVE_ZH:
            boost, boost_until = _INTENSIFIERS_ZH[word], end + 2
            continue
        value = _NEGATIVE_ZH.get(word, 0.0) - _POSITIVE_ZH.get(word, 0.0)
        if start <= boost_until:
            value *= boost
        if start <= negate_until:
            # 不好 → negative; 不差 → mildly positive (negated negatives are weak praise)
            value = -value * (0.5 if value > 0 else 1.0) - _BARE_NEGATION
        total += value * emphasis
        negate_until = boost_until = -1
    return total


def _scan_en(text: str) -> float:
    total = 0.0
    negate = 0
    boost = 1.0
    for word in _EN_WORD.findall(text):
        if word in _NEGATORS_EN:
            negate = 3
            continue
        if word in _INTENSIFIERS_EN:
            boost = _INTENSIFIERS_EN[word]
            continue
        value = _NEGATIVE_EN.get(word, 0.0) - _POSITIVE_EN.get(word, 0.0)
        if value:
            value *= boost
            if negate:
                value = -value * (0.5 if value > 0 else 1.0)
            total += value
            boost, negate = 1.0, 0
        elif negate:
            negate -= 1
    return total


@lru_cache(maxsize=2048)
def analyze(text: str, threshold: float = 0.5) -> Sentiment:
    """Score ``text``; ``is_negative`` when the negativity reaches ``threshold``."""
    raw_caps = len(_CAPS_WORD.findall(text))
    norm = normalize(text)
    raw = _scan_zh(norm) + _scan_en(norm)
    if raw > 0:  # shouting amplifies anger that is already there
        raw += 0.8 * min(len(_BANGS.findall(norm)), 3) + 0.7 * min(raw_caps, 3)
    score = 1.0 / (1.0 + math.exp(-raw))
    return Sentiment(score=score, is_negative=score >= threshold and raw > 0, raw=raw)


def is_negative(text: str) -> bool:
    """Whether ``text`` reads as negative or angry."""
    return analyze(text).is_negative
