//! Table tests of the number wording: rounding edges, negative growth, zero, missing previous
//! year, huge and tiny values.

use super::*;

/// `(current, previous, Chinese, English)`.
type ChangeCase = (f64, Option<f64>, Option<&'static str>, Option<&'static str>);

#[test]
fn fixed_rounds_half_away_from_zero_on_visible_digits() {
    let cases: &[(f64, usize, &str)] = &[
        (0.0, 1, "0.0"),
        (-0.0, 1, "0.0"),
        (0.05, 1, "0.1"),
        (0.25, 1, "0.3"),
        (0.35, 1, "0.4"),
        (-0.25, 1, "-0.3"),
        (-0.04, 1, "0.0"),
        (1.005, 2, "1.01"),
        (2.675, 2, "2.68"),
        (9.95, 1, "10.0"),
        (99.96, 1, "100.0"),
        (12345.6, 0, "12346"),
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),
        (123.0, 2, "123.00"),
        (1e-7, 3, "0.000"),
        (1e21, 1, "1000000000000000000000.0"),
        (0.1 + 0.2, 1, "0.3"),
        (f64::NAN, 1, "—"),
    ];
    for &(value, decimals, want) in cases {
        assert_eq!(fixed(value, decimals), want, "fixed({value}, {decimals})");
    }
}

#[test]
fn grouped_puts_a_comma_every_three_digits() {
    let cases: &[(f64, usize, &str)] = &[
        (0.0, 1, "0.0"),
        (999.94, 1, "999.9"),
        (999.95, 1, "1,000.0"),
        (12345.6, 1, "12,345.6"),
        (-1234567.0, 0, "-1,234,567"),
        (100000.0, 2, "100,000.00"),
        (-0.04, 1, "0.0"),
    ];
    for &(value, decimals, want) in cases {
        assert_eq!(
            grouped(value, decimals),
            want,
            "grouped({value}, {decimals})"
        );
    }
}

#[test]
fn amounts_in_prose() {
    let cases: &[(f64, &str, &str)] = &[
        (0.0, "0亿元", "0 yuan"),
        (123456.7, "12.35万亿元", "12.35 trillion yuan"),
        (12345.6, "1.23万亿元", "1.23 trillion yuan"),
        (10000.0, "1.00万亿元", "1.00 trillion yuan"),
        (9999.94, "9999.9亿元", "1.00 trillion yuan"),
        (9999.96, "1.00万亿元", "1.00 trillion yuan"),
        (8932.14, "8932.1亿元", "893.2 billion yuan"),
        (52.3, "52.3亿元", "5.2 billion yuan"),
        (10.0, "10.0亿元", "1.0 billion yuan"),
        (1.0, "1.0亿元", "100 million yuan"),
        (0.35, "3500万元", "35 million yuan"),
        (0.99996, "1.0亿元", "100 million yuan"),
        (0.00004, "不足1万元", "less than 1 million yuan"),
        (-120.44, "-120.4亿元", "-12.0 billion yuan"),
        (4.2e9, "420000.00万亿元", "420,000.00 trillion yuan"),
    ];
    for &(value, zh, en) in cases {
        assert_eq!(amount(value, Lang::Zh), zh, "zh {value}");
        assert_eq!(amount(value, Lang::En), en, "en {value}");
    }
}

#[test]
fn growth_clauses() {
    let cases: &[ChangeCase] = &[
        (
            105.2,
            Some(100.0),
            Some("同比增长5.2%"),
            Some("up 5.2% year on year"),
        ),
        (
            96.9,
            Some(100.0),
            Some("同比下降3.1%"),
            Some("down 3.1% year on year"),
        ),
        (
            100.04,
            Some(100.0),
            Some("与上年持平"),
            Some("unchanged year on year"),
        ),
        (
            99.96,
            Some(100.0),
            Some("与上年持平"),
            Some("unchanged year on year"),
        ),
        (
            100.05,
            Some(100.0),
            Some("同比增长0.1%"),
            Some("up 0.1% year on year"),
        ),
        (
            200.0,
            Some(100.0),
            Some("同比增长100.0%"),
            Some("up 100.0% year on year"),
        ),
        (
            0.0,
            Some(100.0),
            Some("同比下降100.0%"),
            Some("down 100.0% year on year"),
        ),
        (100.0, None, None, None),
        (100.0, Some(0.0), None, None),
        (
            0.0,
            Some(0.0),
            Some("与上年持平"),
            Some("unchanged year on year"),
        ),
        (
            5.0,
            Some(-3.0),
            Some("扭亏为盈"),
            Some("turned from a loss to a profit"),
        ),
        (
            -5.0,
            Some(3.0),
            Some("由盈转亏"),
            Some("turned from a profit to a loss"),
        ),
        (
            -2.0,
            Some(-3.0),
            Some("亏损收窄"),
            Some("the loss narrowed"),
        ),
        (-4.0, Some(-3.0), Some("亏损扩大"), Some("the loss widened")),
        (
            1e-9,
            Some(1e-10),
            Some("同比增长900.0%"),
            Some("up 900.0% year on year"),
        ),
    ];
    for &(current, previous, zh, en) in cases {
        let got_zh = growth(current, previous, Lang::Zh).map(|p| p.to_string());
        let got_en = growth(current, previous, Lang::En).map(|p| p.to_string());
        assert_eq!(got_zh.as_deref(), zh, "zh {current} {previous:?}");
        assert_eq!(got_en.as_deref(), en, "en {current} {previous:?}");
    }
}

#[test]
fn growth_phrase_carries_the_signed_rate() {
    let phrase = growth(96.9, Some(100.0), Lang::Zh).unwrap();
    assert_eq!(phrase.lead, "同比下降");
    assert_eq!(phrase.number, "3.1%");
    assert!((phrase.value.unwrap() + 3.1).abs() < 1e-9);
    assert_eq!(growth(5.0, Some(-3.0), Lang::Zh).unwrap().value, None);
}

#[test]
fn percentage_point_clauses() {
    let cases: &[ChangeCase] = &[
        (
            2.9,
            Some(2.7),
            Some("比上年提高0.2个百分点"),
            Some("up 0.2 percentage points on the previous year"),
        ),
        (
            2.5,
            Some(2.7),
            Some("比上年下降0.2个百分点"),
            Some("down 0.2 percentage points on the previous year"),
        ),
        (
            2.72,
            Some(2.7),
            Some("与上年持平"),
            Some("unchanged on the previous year"),
        ),
        (2.7, None, None, None),
    ];
    for &(current, previous, zh, en) in cases {
        let got_zh = points(current, previous, Lang::Zh).map(|p| p.to_string());
        let got_en = points(current, previous, Lang::En).map(|p| p.to_string());
        assert_eq!(got_zh.as_deref(), zh);
        assert_eq!(got_en.as_deref(), en);
    }
}

#[test]
fn shares_counts_dates() {
    assert_eq!(share(9.84, Lang::Zh).to_string(), "占全国比重9.8%");
    assert_eq!(
        share(9.84, Lang::En).to_string(),
        "9.8% of the national total"
    );
    let cases: &[(f64, Counter, &str, &str)] = &[
        (445.0, Counter::Base, "445家", "445 bases"),
        (1.0, Counter::Base, "1家", "1 base"),
        (0.0, Counter::Incident, "0起", "0 incidents"),
        (31.0, Counter::Province, "31个", "31 provinces"),
        (80123.0, Counter::Firm, "8.0万家", "80,123 enterprises"),
        (12.0, Counter::Indicator, "12项", "12 indicators"),
    ];
    for &(n, counter, zh, en) in cases {
        assert_eq!(count(n, counter, Lang::Zh), zh);
        assert_eq!(count(n, counter, Lang::En), en);
    }
    let d = Date::new(2026, 11, 29);
    assert_eq!(date(d, Lang::Zh), "2026年11月29日");
    assert_eq!(date(d, Lang::En), "29 November 2026");
}

#[test]
fn table_and_prose_values_by_unit() {
    let cases: &[(f64, Unit, &str, &str, &str, &str)] = &[
        (
            12345.6,
            Unit::Yuan100m,
            "12,345.6",
            "1,234.56",
            "1.23万亿元",
            "1.23 trillion yuan",
        ),
        (5.25, Unit::Percent, "5.3", "5.3", "5.3%", "5.3%"),
        (4.0, Unit::Stars, "★★★★", "★★★★", "四星级", "four-star"),
        (86.44, Unit::Score, "86.4", "86.4", "86.4分", "86.4 points"),
        (12.0, Unit::Rank, "12", "12", "第12位", "12th"),
        (
            0.4523,
            Unit::TcePer10kYuan,
            "0.452",
            "0.452",
            "0.452吨标准煤/万元",
            "0.452 tce per 10,000 yuan",
        ),
        (
            1234.5,
            Unit::Tonnes10k,
            "1,234.5",
            "12.35",
            "1234.5万吨",
            "12.35 million tonnes",
        ),
        (
            23456.0,
            Unit::Tonnes10k,
            "23,456.0",
            "234.56",
            "2.35亿吨",
            "234.56 million tonnes",
        ),
    ];
    for &(value, unit, table_zh, table_en, prose_zh, prose_en) in cases {
        assert_eq!(table_value(value, unit, Lang::Zh), table_zh, "{unit:?}");
        assert_eq!(table_value(value, unit, Lang::En), table_en, "{unit:?}");
        assert_eq!(prose_value(value, unit, Lang::Zh), prose_zh, "{unit:?}");
        assert_eq!(prose_value(value, unit, Lang::En), prose_en, "{unit:?}");
    }
}

#[test]
fn ordinals_and_rank_changes() {
    let cases = [
        (1.0, "1st"),
        (2.0, "2nd"),
        (3.0, "3rd"),
        (11.0, "11th"),
        (112.0, "112th"),
        (23.0, "23rd"),
    ];
    for (n, want) in cases {
        assert_eq!(ordinal(n), want);
    }
    assert_eq!(rank_change(35.0, Lang::Zh), "上升35位");
    assert_eq!(rank_change(-12.0, Lang::Zh), "下降12位");
    assert_eq!(rank_change(0.2, Lang::Zh), "位次不变");
    assert_eq!(rank_change(-1.0, Lang::En), "down 1 place");
}

#[test]
fn count_changes_on_last_year() {
    let cases = [
        (
            445.0,
            442.0,
            "较上年增加3家",
            "3 bases more than a year earlier",
        ),
        (
            445.0,
            446.0,
            "较上年减少1家",
            "1 base fewer than a year earlier",
        ),
        (445.0, 445.0, "与上年持平", "unchanged on the previous year"),
    ];
    for (now, before, zh, en) in cases {
        for (lang, want) in [(Lang::Zh, zh), (Lang::En, en)] {
            let p = count_change(now, before, Counter::Base, lang);
            assert_eq!(format!("{}{}{}", p.lead, p.number, p.tail), want);
            assert_eq!(p.value, Some(now - before));
        }
    }
}
