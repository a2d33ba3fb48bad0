//! How numbers read: rounding, units, growth and share clauses, counts and dates, in Chinese and
//! English. Every function here is pure and table-tested at the bottom of the file.
//!
//! # Conventions
//!
//! **Rounding** is half away from zero *on the decimal digits a person sees*: the value, cut to
//! 12 significant digits (which drops floating-point noise such as `0.04999999999999716` for
//! `100.05 / 100 − 1`), is written in its shortest decimal form (`1.005`, not the binary
//! `1.00499999…`) and rounded digit by digit, so `1.005` → `1.01`, `0.25` → `0.3`, `-0.25` →
//! `-0.3`. A value that rounds to zero never shows a minus sign.
//!
//! **Chinese typography** (the common practice of official documents and the statistical
//! bulletins): no space between a number and a Chinese character or unit (`445家`, `2025年`,
//! `1.23万亿元`, `5.2%`); full-width punctuation in prose (`，。；：（）、`); numbers in running text
//! without thousands separators (`8932.1亿元`, as in the bulletins), numbers in tables with a comma
//! every three digits (`12,345.6`).
//!
//! **Money** (raw values in 亿元):
//!
//! | where | rule | examples |
//! | --- | --- | --- |
//! | Chinese prose | ≥ 1万亿元 (after rounding): 万亿元, 2 decimals; ≥ 1亿元: 亿元, 1 decimal; below: 万元, whole; below 0.5万元: `不足1万元` | `1.23万亿元`, `8932.1亿元`, `3500万元` |
//! | English prose | billion yuan (1 billion = 10亿): ≥ 1,000 billion: trillion, 2 decimals; ≥ 1 billion: 1 decimal; below: million, whole | `1.23 trillion yuan`, `893.2 billion yuan`, `350 million yuan` |
//! | Chinese tables | 亿元, 1 decimal, grouped | `12,345.6` |
//! | English tables | billion yuan, 2 decimals, grouped | `1,234.56` |
//!
//! English uses *billion yuan* everywhere (never "100 million yuan"): 1亿元 = 0.1 billion yuan,
//! so two decimals keep the precision of the Chinese table.
//!
//! **Other units**: percent 1 decimal (`5.2%`); scores 1 decimal; ranks, stars and counts whole;
//! energy intensity 3 decimals (`0.452吨标准煤/万元`, `0.452 tce per 10,000 yuan`); 万吨 1 decimal in
//! Chinese (≥ 1亿吨 becomes 亿吨, 2 decimals), million tonnes with 2 decimals in English. Counts in
//! Chinese prose from 10,000 up read `8.0万家`.
//!
//! **Change on last year**: growth `(current / previous − 1) × 100` reads `同比增长5.2%`,
//! `同比下降3.1%`, or `与上年持平` when it rounds to 0.0; English `up 5.2% year on year`,
//! `down 3.1% year on year`, `unchanged year on year`. With no previous value, or a previous value
//! of zero, the clause is left out; a change of sign reads `扭亏为盈` / `由盈转亏`. Percent
//! figures (R&D intensity, shares) change in percentage points: `比上年提高0.2个百分点`.

use crate::model::{Counter, Date, Unit};

/// Output language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag: `zh-CN` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A clause built around one number: `lead` + `number` + `tail`, e.g. `同比增长` + `5.2%` + ``.
///
/// `value` is the raw number the clause shows (a growth rate in percent, a difference in
/// percentage points); `None` means the clause shows no number (`扭亏为盈`), and then `number` is
/// empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Phrase {
    /// Words before the number.
    pub lead: String,
    /// The number with its unit, as shown.
    pub number: String,
    /// Words after the number.
    pub tail: String,
    /// The raw number, if the clause shows one.
    pub value: Option<f64>,
}

impl Phrase {
    fn words(text: &str) -> Phrase {
        Phrase {
            lead: text.to_string(),
            number: String::new(),
            tail: String::new(),
            value: None,
        }
    }

    fn number(lead: &str, number: String, tail: &str, value: f64) -> Phrase {
        Phrase {
            lead: lead.to_string(),
            number,
            tail: tail.to_string(),
            value: Some(value),
        }
    }
}

impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.lead, self.number, self.tail)
    }
}

/// `value` with exactly `decimals` decimals, rounded half away from zero on its shortest decimal
/// form; no grouping; `-0.0` and values that round to zero print without a sign.
pub fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    // Arithmetic leaves noise in the last digits (100.05 / 100 - 1 gives 0.000499999…); keep 12
    // significant digits, far beyond what is shown, then take the shortest decimal form (Rust
    // prints floats without an exponent and with the fewest digits that read back exactly).
    let cleaned: f64 = format!("{:.11e}", value.abs()).parse().unwrap_or(0.0);
    let repr = format!("{cleaned}");
    let (int_part, frac_part) = match repr.split_once('.') {
        Some((i, f)) => (i, f),
        None => (repr.as_str(), ""),
    };
    let mut digits: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
    let frac: Vec<u8> = frac_part.bytes().map(|b| b - b'0').collect();
    for k in 0..decimals {
        digits.push(frac.get(k).copied().unwrap_or(0));
    }
    if frac.get(decimals).is_some_and(|&d| d >= 5) {
        let mut idx = digits.len();
        loop {
            if idx == 0 {
                digits.insert(0, 1);
                break;
            }
            idx -= 1;
            if digits[idx] == 9 {
                digits[idx] = 0;
            } else {
                digits[idx] += 1;
                break;
            }
        }
    }
    // A carry may have added a digit in front.
    let n_int = digits.len() - decimals;
    let is_zero = digits.iter().all(|&d| d == 0);
    let mut out = String::with_capacity(digits.len() + 2);
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    for d in &digits[..n_int] {
        out.push((b'0' + d) as char);
    }
    if decimals > 0 {
        out.push('.');
        for d in &digits[n_int..] {
            out.push((b'0' + d) as char);
        }
    }
    out
}

/// `value` with `decimals` decimals and a comma every three digits of the whole part
/// (`12,345.6`): the table format.
pub fn grouped(value: f64, decimals: usize) -> String {
    let plain = fixed(value, decimals);
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    let (int_part, frac_part) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(plain.len() + int_part.len() / 3);
    out.push_str(sign);
    for (idx, ch) in int_part.chars().enumerate() {
        if idx > 0 && (int_part.len() - idx) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac_part {
        out.push('.');
        out.push_str(f);
    }
    out
}

fn parse_rounded(text: &str) -> f64 {
    text.parse::<f64>().unwrap_or(0.0)
}

/// A sum of money in running text, from 亿元 (see the module docs for the thresholds).
pub fn amount(value_yi: f64, lang: Lang) -> String {
    let sign = if value_yi < 0.0 { "-" } else { "" };
    let a = value_yi.abs();
    match lang {
        Lang::Zh => {
            if a == 0.0 {
                return "0亿元".to_string();
            }
            let yi = fixed(a, 1);
            if parse_rounded(&yi) >= 10_000.0 {
                return format!("{sign}{}万亿元", fixed(a / 10_000.0, 2));
            }
            if a >= 1.0 {
                return format!("{sign}{yi}亿元");
            }
            let wan = fixed(a * 10_000.0, 0);
            match wan.as_str() {
                "0" => "不足1万元".to_string(),
                "10000" => format!("{sign}1.0亿元"),
                _ => format!("{sign}{wan}万元"),
            }
        }
        Lang::En => {
            if a == 0.0 {
                return "0 yuan".to_string();
            }
            let billion = a / 10.0;
            if parse_rounded(&fixed(billion, 1)) >= 1_000.0 {
                return format!("{sign}{} trillion yuan", grouped(billion / 1_000.0, 2));
            }
            if billion >= 1.0 {
                return format!("{sign}{} billion yuan", grouped(billion, 1));
            }
            let million = fixed(billion * 1_000.0, 0);
            match million.as_str() {
                "0" => "less than 1 million yuan".to_string(),
                "1000" => format!("{sign}1.0 billion yuan"),
                _ => format!("{sign}{million} million yuan"),
            }
        }
    }
}

/// A quantity in 万吨 in running text: `1234.5万吨` (≥ 1亿吨: `1.23亿吨`), `12.35 million tonnes`.
pub fn tonnes(value_10k: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let wan = fixed(value_10k, 1);
            if parse_rounded(&wan).abs() >= 10_000.0 {
                format!("{}亿吨", fixed(value_10k / 10_000.0, 2))
            } else {
                format!("{wan}万吨")
            }
        }
        Lang::En => format!("{} million tonnes", grouped(value_10k / 100.0, 2)),
    }
}

/// Percent in running text: `5.2%`.
pub fn percent(value: f64) -> String {
    format!("{}%", fixed(value, 1))
}

/// A whole count with its measure word or noun: `445家`, `31个`, `8.0万家`; `445 bases`, `1 base`.
pub fn count(n: f64, counter: Counter, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let word = measure_word(counter);
            if n.abs() >= 10_000.0 {
                format!("{}万{word}", fixed(n / 10_000.0, 1))
            } else {
                format!("{}{word}", fixed(n, 0))
            }
        }
        Lang::En => {
            let (one, many) = noun(counter);
            let text = grouped(n, 0);
            if text == "1" {
                format!("1 {one}")
            } else {
                format!("{text} {many}")
            }
        }
    }
}

/// The Chinese measure word of a counter.
pub fn measure_word(counter: Counter) -> &'static str {
    match counter {
        Counter::Base | Counter::Firm => "家",
        Counter::Province | Counter::Platform | Counter::Category => "个",
        Counter::Incident => "起",
        Counter::Warning | Counter::Replication => "次",
        Counter::Indicator => "项",
        Counter::Patent => "件",
        Counter::Submission => "份",
    }
}

fn noun(counter: Counter) -> (&'static str, &'static str) {
    match counter {
        Counter::Base => ("base", "bases"),
        Counter::Firm => ("enterprise", "enterprises"),
        Counter::Province => ("province", "provinces"),
        Counter::Incident => ("incident", "incidents"),
        Counter::Warning => ("warning", "warnings"),
        Counter::Indicator => ("indicator", "indicators"),
        Counter::Patent => ("patent", "patents"),
        Counter::Platform => ("platform", "platforms"),
        Counter::Replication => ("replication", "replications"),
        Counter::Submission => ("submission", "submissions"),
        Counter::Category => ("category", "categories"),
    }
}

/// Star rating as a word: `五星级`, `five-star`.
pub fn stars_word(stars: u8, lang: Lang) -> &'static str {
    let k = stars.clamp(1, 5) as usize - 1;
    match lang {
        Lang::Zh => ["一星级", "二星级", "三星级", "四星级", "五星级"][k],
        Lang::En => [
            "one-star",
            "two-star",
            "three-star",
            "four-star",
            "five-star",
        ][k],
    }
}

/// Star rating as glyphs: `★★★★★`.
pub fn star_glyphs(stars: f64) -> String {
    let n = parse_rounded(&fixed(stars, 0)).clamp(0.0, 5.0) as usize;
    "★".repeat(n)
}

/// An English ordinal: `1st`, `2nd`, `11th`, `23rd`.
pub fn ordinal(n: f64) -> String {
    let text = grouped(n, 0);
    let whole = parse_rounded(&fixed(n, 0)).abs() as u64;
    let suffix = match (whole % 10, whole % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{text}{suffix}")
}

/// Year-on-year change of a non-percent figure (see the module docs); `None` when there is no
/// previous value to compare with.
pub fn growth(current: f64, previous: Option<f64>, lang: Lang) -> Option<Phrase> {
    let previous = previous?;
    if !current.is_finite() || !previous.is_finite() {
        return None;
    }
    let (flat, turned_profit, turned_loss, loss_narrowed, loss_widened) = match lang {
        Lang::Zh => ("与上年持平", "扭亏为盈", "由盈转亏", "亏损收窄", "亏损扩大"),
        Lang::En => (
            "unchanged year on year",
            "turned from a loss to a profit",
            "turned from a profit to a loss",
            "the loss narrowed",
            "the loss widened",
        ),
    };
    if previous == 0.0 {
        return (current == 0.0).then(|| Phrase::words(flat));
    }
    if previous < 0.0 && current >= 0.0 {
        return Some(Phrase::words(turned_profit));
    }
    if previous > 0.0 && current < 0.0 {
        return Some(Phrase::words(turned_loss));
    }
    if previous < 0.0 {
        return Some(Phrase::words(if current < previous {
            loss_widened
        } else if current > previous {
            loss_narrowed
        } else {
            flat
        }));
    }
    let rate = (current / previous - 1.0) * 100.0;
    Some(change_phrase(
        rate,
        percent(rate.abs()),
        lang,
        Basis::Growth,
    ))
}

/// The growth rate in percent that [`growth`] words, when it words one.
pub fn growth_rate(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0 && current >= 0.0 && current.is_finite() && previous.is_finite())
        .then(|| (current / previous - 1.0) * 100.0)
}

/// Change of a percent figure in percentage points: `比上年提高0.2个百分点`.
pub fn points(current: f64, previous: Option<f64>, lang: Lang) -> Option<Phrase> {
    let previous = previous?;
    if !current.is_finite() || !previous.is_finite() {
        return None;
    }
    let diff = current - previous;
    let shown = fixed(diff.abs(), 1);
    let number = match lang {
        Lang::Zh => format!("{shown}个百分点"),
        Lang::En => format!("{shown} percentage points"),
    };
    Some(change_phrase(diff, number, lang, Basis::Points))
}

enum Basis {
    Growth,
    Points,
}

fn change_phrase(change: f64, number: String, lang: Lang, basis: Basis) -> Phrase {
    let is_flat = fixed(change.abs(), 1) == "0.0";
    match (lang, basis, is_flat, change > 0.0) {
        (Lang::Zh, _, true, _) => Phrase::number("与上年", "持平".into(), "", change),
        (Lang::En, Basis::Growth, true, _) => {
            Phrase::number("", "unchanged".into(), " year on year", change)
        }
        (Lang::En, Basis::Points, true, _) => {
            Phrase::number("", "unchanged".into(), " on the previous year", change)
        }
        (Lang::Zh, Basis::Growth, false, true) => Phrase::number("同比增长", number, "", change),
        (Lang::Zh, Basis::Growth, false, false) => Phrase::number("同比下降", number, "", change),
        (Lang::Zh, Basis::Points, false, true) => Phrase::number("比上年提高", number, "", change),
        (Lang::Zh, Basis::Points, false, false) => Phrase::number("比上年下降", number, "", change),
        (Lang::En, Basis::Growth, false, true) => {
            Phrase::number("up ", number, " year on year", change)
        }
        (Lang::En, Basis::Growth, false, false) => {
            Phrase::number("down ", number, " year on year", change)
        }
        (Lang::En, Basis::Points, false, true) => {
            Phrase::number("up ", number, " on the previous year", change)
        }
        (Lang::En, Basis::Points, false, false) => {
            Phrase::number("down ", number, " on the previous year", change)
        }
    }
}

/// Share of the national total: `占全国比重9.8%`, `9.8% of the national total`.
pub fn share(percent_value: f64, lang: Lang) -> Phrase {
    match lang {
        Lang::Zh => Phrase::number("占全国比重", percent(percent_value), "", percent_value),
        Lang::En => Phrase::number(
            "",
            percent(percent_value),
            " of the national total",
            percent_value,
        ),
    }
}

/// Change of a count on the previous year: `较上年增加3家`, `较上年减少1家`, `与上年持平`;
/// `3 more than a year earlier`, `1 fewer …`, `unchanged on the previous year`. `value` is the
/// signed difference (0 for an unchanged count, shown without a number).
pub fn count_change(current: f64, previous: f64, counter: Counter, lang: Lang) -> Phrase {
    let diff = current - previous;
    let shown = fixed(diff.abs(), 0);
    if shown == "0" {
        return match lang {
            Lang::Zh => Phrase::number("与上年持平", String::new(), "", 0.0),
            Lang::En => Phrase::number("unchanged on the previous year", String::new(), "", 0.0),
        };
    }
    let number = count(diff.abs(), counter, lang);
    match (lang, diff > 0.0) {
        (Lang::Zh, true) => Phrase::number("较上年增加", number, "", diff),
        (Lang::Zh, false) => Phrase::number("较上年减少", number, "", diff),
        (Lang::En, true) => Phrase::number("", number, " more than a year earlier", diff),
        (Lang::En, false) => Phrase::number("", number, " fewer than a year earlier", diff),
    }
}

/// Change of a rank: `上升35位`, `下降12位`, `位次不变`; `up 35 places`.
pub fn rank_change(places: f64, lang: Lang) -> String {
    let shown = fixed(places.abs(), 0);
    match (lang, shown == "0", places > 0.0) {
        (Lang::Zh, true, _) => "位次不变".into(),
        (Lang::Zh, false, true) => format!("上升{shown}位"),
        (Lang::Zh, false, false) => format!("下降{shown}位"),
        (Lang::En, true, _) => "unchanged".into(),
        (Lang::En, false, true) => format!("up {shown} place{}", plural_s(&shown)),
        (Lang::En, false, false) => format!("down {shown} place{}", plural_s(&shown)),
    }
}

fn plural_s(shown: &str) -> &'static str {
    if shown == "1" { "" } else { "s" }
}

/// A date for people: `2026年3月15日`, `15 March 2026`.
pub fn date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year, d.month, d.day),
        Lang::En => format!("{} {} {}", d.day, month_name(d.month, lang), d.year),
    }
}

/// A month: `3月`, `March`.
pub fn month_name(month: u8, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => EN[(month.clamp(1, 12) - 1) as usize].to_string(),
    }
}

/// A short month for chart axes: `3月`, `Mar`.
pub fn month_short(month: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => month_name(month, lang)[..3].to_string(),
    }
}

/// Decimals of a unit in tables (English money and tonnes are rescaled, hence 2).
pub fn table_decimals(unit: Unit, lang: Lang) -> usize {
    match (unit, lang) {
        (Unit::Yuan100m, Lang::Zh) | (Unit::Tonnes10k, Lang::Zh) => 1,
        (Unit::Yuan100m, Lang::En) | (Unit::Tonnes10k, Lang::En) => 2,
        (Unit::Percent, _) | (Unit::Score, _) => 1,
        (Unit::Count(_), _) | (Unit::Stars, _) | (Unit::Rank, _) => 0,
        (Unit::TcePer10kYuan, _) => 3,
    }
}

/// The factor from the raw unit to the unit shown in tables (10 亿元 = 1 billion yuan).
pub fn table_scale(unit: Unit, lang: Lang) -> f64 {
    match (unit, lang) {
        (Unit::Yuan100m, Lang::En) => 0.1,
        (Unit::Tonnes10k, Lang::En) => 0.01,
        _ => 1.0,
    }
}

/// The unit as a table header or axis shows it: `亿元`, `billion yuan`, `%`.
pub fn unit_label(unit: Unit, lang: Lang) -> String {
    match (unit, lang) {
        (Unit::Yuan100m, Lang::Zh) => "亿元".into(),
        (Unit::Yuan100m, Lang::En) => "billion yuan".into(),
        (Unit::Percent, _) => "%".into(),
        (Unit::Count(c), Lang::Zh) => measure_word(c).into(),
        (Unit::Count(c), Lang::En) => noun(c).1.into(),
        (Unit::Stars, Lang::Zh) => "星".into(),
        (Unit::Stars, Lang::En) => "stars".into(),
        (Unit::Score, Lang::Zh) => "分".into(),
        (Unit::Score, Lang::En) => "points".into(),
        (Unit::Rank, Lang::Zh) => "位".into(),
        (Unit::Rank, Lang::En) => "places".into(),
        (Unit::TcePer10kYuan, Lang::Zh) => "吨标准煤/万元".into(),
        (Unit::TcePer10kYuan, Lang::En) => "tce per 10,000 yuan".into(),
        (Unit::Tonnes10k, Lang::Zh) => "万吨".into(),
        (Unit::Tonnes10k, Lang::En) => "million tonnes".into(),
    }
}

/// A figure in a table cell: one format per unit (grouped, fixed decimals; stars as glyphs).
pub fn table_value(value: f64, unit: Unit, lang: Lang) -> String {
    match unit {
        Unit::Stars => star_glyphs(value),
        _ => grouped(value * table_scale(unit, lang), table_decimals(unit, lang)),
    }
}

/// A figure in running text, with its unit: `1.23万亿元`, `5.2%`, `445家`, `86.4分`, `第12位`.
pub fn prose_value(value: f64, unit: Unit, lang: Lang) -> String {
    match (unit, lang) {
        (Unit::Yuan100m, _) => amount(value, lang),
        (Unit::Percent, _) => percent(value),
        (Unit::Count(c), _) => count(value, c, lang),
        (Unit::Stars, _) => {
            let k = parse_rounded(&fixed(value, 0)).clamp(1.0, 5.0) as u8;
            stars_word(k, lang).to_string()
        }
        (Unit::Score, Lang::Zh) => format!("{}分", fixed(value, 1)),
        (Unit::Score, Lang::En) => format!("{} points", fixed(value, 1)),
        (Unit::Rank, Lang::Zh) => format!("第{}位", fixed(value, 0)),
        (Unit::Rank, Lang::En) => ordinal(value),
        (Unit::TcePer10kYuan, Lang::Zh) => format!("{}吨标准煤/万元", fixed(value, 3)),
        (Unit::TcePer10kYuan, Lang::En) => {
            format!("{} tce per 10,000 yuan", fixed(value, 3))
        }
        (Unit::Tonnes10k, _) => tonnes(value, lang),
    }
}

/// Pick the text of a language.
pub(crate) fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Whether a character is CJK (ideographs, CJK punctuation, full-width forms).
pub fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31BF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests;
