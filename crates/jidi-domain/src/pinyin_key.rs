//! The sort key that puts Chinese names in pinyin order (issue 13): people look a base up in an
//! alphabetical list the way a printed 名录 orders it, by Hanyu Pinyin, not by Unicode code point
//! (which follows radicals and strokes and looks random to a reader).
//!
//! The key is computed when a name is written and stored beside it, so that both backends sort
//! the roll by one plain text column (SQLite has no Chinese collation, and PostgreSQL's ICU
//! collations depend on how the server was built).

use pinyin::ToPinyin;

/// Place-name readings that differ from a character's most common reading (多音字). Names start
/// with their place, so these cover the prefixes where the first reading would misplace a base.
const PLACE_READINGS: [(&str, &[&str]); 8] = [
    ("重庆", &["chong2", "qing4"]),
    ("厦门", &["xia4", "men2"]),
    ("蚌埠", &["beng4", "bu4"]),
    ("六安", &["lu4", "an1"]),
    ("番禺", &["pan1", "yu2"]),
    ("长沙", &["chang2", "sha1"]),
    ("长春", &["chang2", "chun1"]),
    ("长治", &["chang2", "zhi4"]),
];

/// The pinyin sort key of `name`: each Han character as its toneless-then-tone syllable
/// (`zhong1`), each other character lower-cased, every unit followed by a space so that syllables
/// compare one by one (西安 `xi1 an1 ` before 先 `xian1 `). Ties between homophones are left to
/// the caller (sort by the key, then by the name).
pub fn name_sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 3);
    let mut rest = name.trim();
    'outer: while let Some(c) = rest.chars().next() {
        for (place, readings) in PLACE_READINGS {
            if let Some(after) = rest.strip_prefix(place) {
                for r in readings {
                    key.push_str(r);
                    key.push(' ');
                }
                rest = after;
                continue 'outer;
            }
        }
        match c.to_pinyin() {
            Some(p) => key.push_str(p.with_tone_num_end()),
            None => key.extend(c.to_lowercase()),
        }
        key.push(' ');
        rest = &rest[c.len_utf8()..];
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real base names in the order a pinyin-sorted printed list gives them (checked by hand
    /// against their readings: an, bei, chong, guang, shang, xi, zheng).
    #[test]
    fn real_names_sort_in_pinyin_order() {
        let expected = [
            "安徽合肥高新区",
            "北京经济技术开发区",
            "重庆两江新区",
            "广州开发区",
            "上海张江高科技园区",
            "西安高新区",
            "郑州航空港经济综合实验区",
        ];
        let mut names = expected.to_vec();
        names.reverse();
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, expected);
        // Code-point order would differ (上 U+4E0A comes first), which is why a key is needed.
        let mut by_code_point = expected.to_vec();
        by_code_point.sort();
        assert_ne!(by_code_point, expected);
    }

    #[test]
    fn syllables_compare_one_by_one_and_other_characters_pass_through() {
        assert_eq!(name_sort_key("西安"), "xi1 an1 ");
        assert!(name_sort_key("西安") < name_sort_key("先进"));
        assert_eq!(name_sort_key(" A区 "), "a qu1 ");
        assert_eq!(name_sort_key(""), "");
    }
}
