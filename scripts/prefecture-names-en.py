#!/usr/bin/env python3
"""Writes crates/jidi-domain/data/gb2260_prefecture_names_en.csv: the English form of every
prefecture-level division in the shipped GB/T 2260 list.

Run once at development time (needs `pip install pypinyin`); the output is committed as data, and
nothing reads pypinyin at build or run time. The English form follows the usage of the State
Council's English pages: Hanyu Pinyin without tones, syllables written together, an apostrophe
before a syllable that starts with a, o or e (Xi'an, Lu'an); 市 is dropped (Wuhan), 地区 becomes
"Prefecture", 盟 "League", an autonomous prefecture names its peoples in English ("Enshi Tujia
and Miao Autonomous Prefecture"). A handful of names have a conventional English spelling that is
not Mandarin pinyin; they are listed in OVERRIDES with the reason.

Usage: scripts/prefecture-names-en.py > crates/jidi-domain/data/gb2260_prefecture_names_en.csv
"""

import csv
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "crates/jidi-domain/data/gb2260_province_prefecture_201904.csv"

# Conventional English forms: names from Mongolian, Manchu, Uyghur, Kazak, Kirgiz and Tibetan as the
# State Council's and the regions' own English pages write them, and characters pypinyin reads with
# the wrong one of their readings in a place name (长治 Changzhi, 朝阳 Chaoyang, 漯河 Luohe).
OVERRIDES = {
    "长治市": "Changzhi",
    "朝阳市": "Chaoyang",
    "漯河市": "Luohe",
    "吕梁市": "Lüliang",
    "鄂尔多斯市": "Ordos",
    "呼伦贝尔市": "Hulunbuir",
    "巴彦淖尔市": "Bayannur",
    "乌兰察布市": "Ulanqab",
    "兴安盟": "Hinggan League",
    "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League",
    "哈尔滨市": "Harbin",
    "齐齐哈尔市": "Qiqihar",
    "大兴安岭地区": "Da Hinggan Ling Prefecture",
    "昌都市": "Qamdo",
    "林芝市": "Nyingchi",
    "那曲市": "Nagqu",
    "阿里地区": "Ngari Prefecture",
    "果洛藏族自治州": "Golog Tibetan Autonomous Prefecture",
    "博尔塔拉蒙古自治州": "Bortala Mongol Autonomous Prefecture",
    "巴音郭楞蒙古自治州": "Bayingolin Mongol Autonomous Prefecture",
    "克孜勒苏柯尔克孜自治州": "Kizilsu Kirgiz Autonomous Prefecture",
    "塔城地区": "Tacheng Prefecture",
    "呼和浩特市": "Hohhot",
    "乌鲁木齐市": "Urumqi",
    "拉萨市": "Lhasa",
    "日喀则市": "Shigatse",
    "喀什地区": "Kashgar Prefecture",
    "和田地区": "Hotan Prefecture",
    "阿克苏地区": "Aksu Prefecture",
    "阿勒泰地区": "Altay Prefecture",
    "吐鲁番市": "Turpan",
    "哈密市": "Hami",
    "克拉玛依市": "Karamay",
    "伊犁哈萨克自治州": "Ili Kazak Autonomous Prefecture",
}

# Peoples named in autonomous prefectures, longest first so that 蒙古族 wins over 蒙古.
PEOPLES = [
    ("柯尔克孜", "Kirgiz"),
    ("朝鲜族", "Korean"),
    ("土家族", "Tujia"),
    ("布依族", "Bouyei"),
    ("哈尼族", "Hani"),
    ("景颇族", "Jingpo"),
    ("傈僳族", "Lisu"),
    ("蒙古族", "Mongol"),
    ("哈萨克", "Kazak"),
    ("蒙古", "Mongol"),
    ("苗族", "Miao"),
    ("藏族", "Tibetan"),
    ("羌族", "Qiang"),
    ("彝族", "Yi"),
    ("侗族", "Dong"),
    ("壮族", "Zhuang"),
    ("傣族", "Dai"),
    ("白族", "Bai"),
    ("回族", "Hui"),
]


def pinyin_word(text):
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="exception")
    out = ""
    for i, s in enumerate(syllables):
        if i > 0 and s[0] in "aoe":
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def english(name):
    if name in OVERRIDES:
        return OVERRIDES[name]
    if name.endswith("自治州"):
        rest = name[: -len("自治州")]
        peoples = []
        while True:
            for zh, en in PEOPLES:
                if rest.endswith(zh) and len(rest) > len(zh):
                    peoples.insert(0, en)
                    rest = rest[: -len(zh)]
                    break
            else:
                break
        if not peoples:
            raise SystemExit(f"no people recognised in {name}")
        return f"{pinyin_word(rest)} {' and '.join(peoples)} Autonomous Prefecture"
    if name.endswith("地区"):
        return f"{pinyin_word(name[:-2])} Prefecture"
    if name.endswith("盟"):
        return f"{pinyin_word(name[:-1])} League"
    if name.endswith("市"):
        return pinyin_word(name[:-1])
    raise SystemExit(f"unknown kind of prefecture: {name}")


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "name_en"])
    with SOURCE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] == "prefecture":
                out.writerow([row["code"], row["name"], english(row["name"])])


if __name__ == "__main__":
    main()
