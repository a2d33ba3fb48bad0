//! The roll of bases (C1): tiers and their history, series, categories, regions, designation,
//! status. Validation here is the single source of the rules that imports, forms and the API share.

use chrono::{Datelike, NaiveDate};

use crate::reference::{Category, Regions};

/// The ladder of a cluster: 培育 → 省级 → 国家级 → 卓越提升.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// 培育: a provincial reserve cluster.
    Cultivating,
    /// 省级: a provincial demonstration base.
    Provincial,
    /// 国家级: a national demonstration base.
    National,
    /// 卓越提升: the excellence plan (annex 1 of the seed).
    Excellence,
}

impl Tier {
    /// All tiers, lowest first.
    pub const ALL: [Tier; 4] = [
        Tier::Cultivating,
        Tier::Provincial,
        Tier::National,
        Tier::Excellence,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Tier::Cultivating => "cultivating",
            Tier::Provincial => "provincial",
            Tier::National => "national",
            Tier::Excellence => "excellence",
        }
    }

    /// Parses a code or a Chinese name.
    pub fn parse(text: &str) -> Option<Tier> {
        let t = text.trim();
        Tier::ALL.into_iter().find(|x| {
            x.code() == t || x.name_zh() == t || t.strip_suffix("示范基地") == Some(x.name_zh())
        })
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Tier::Cultivating => "培育",
            Tier::Provincial => "省级",
            Tier::National => "国家级",
            Tier::Excellence => "卓越提升",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Tier::Cultivating => "Cultivating",
            Tier::Provincial => "Provincial",
            Tier::National => "National",
            Tier::Excellence => "Excellence",
        }
    }

    /// The next tier up, if any.
    pub fn next(self) -> Option<Tier> {
        match self {
            Tier::Cultivating => Some(Tier::Provincial),
            Tier::Provincial => Some(Tier::National),
            Tier::National => Some(Tier::Excellence),
            Tier::Excellence => None,
        }
    }

    /// Whether the tier belongs to the national programme (national or excellence).
    pub fn is_national(self) -> bool {
        matches!(self, Tier::National | Tier::Excellence)
    }

    /// Whether a province manages this tier (cultivating and provincial lists).
    pub fn is_provincial(self) -> bool {
        !self.is_national()
    }
}

/// The two series of national bases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Series {
    /// 优势: scale advantage ("large and strong").
    Advantage,
    /// 特色: specialised niche.
    Specialty,
}

impl Series {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Series::Advantage => "advantage",
            Series::Specialty => "specialty",
        }
    }

    /// Parses a code or Chinese name (`优势`, `优势类`).
    pub fn parse(text: &str) -> Option<Series> {
        match text.trim() {
            "advantage" | "优势" | "优势类" => Some(Series::Advantage),
            "specialty" | "特色" | "特色类" => Some(Series::Specialty),
            _ => None,
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            Series::Advantage => "优势",
            Series::Specialty => "特色",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Series::Advantage => "Scale advantage",
            Series::Specialty => "Specialised niche",
        }
    }
}

/// A fact of a real base that a generator may fill in when the public source leaves it empty.
/// Kept per field, so that a page can mark the generated value and leave the sourced ones (and
/// the base's real name) unmarked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BaseField {
    /// 类别 (category).
    Category,
    /// 细分领域 (sub-type).
    Subcategory,
    /// 系列 (series).
    Series,
    /// 批次 (designation batch).
    Batch,
    /// 设立年份 (year of designation).
    DesignatedYear,
    /// 设立日期 (date of designation).
    DesignatedOn,
}

impl BaseField {
    /// Every field that can be generated, in the order of the roll's columns.
    pub const ALL: [BaseField; 6] = [
        BaseField::Category,
        BaseField::Subcategory,
        BaseField::Series,
        BaseField::Batch,
        BaseField::DesignatedYear,
        BaseField::DesignatedOn,
    ];

    /// The roll column the field is stored in (also its stable code).
    pub fn code(self) -> &'static str {
        match self {
            BaseField::Category => "category_code",
            BaseField::Subcategory => "subcategory_code",
            BaseField::Series => "series",
            BaseField::Batch => "batch",
            BaseField::DesignatedYear => "designated_year",
            BaseField::DesignatedOn => "designated_on",
        }
    }

    /// Chinese label, as in the roll file's header.
    pub fn name_zh(self) -> &'static str {
        match self {
            BaseField::Category => "类别",
            BaseField::Subcategory => "细分领域",
            BaseField::Series => "系列",
            BaseField::Batch => "批次",
            BaseField::DesignatedYear => "设立年份",
            BaseField::DesignatedOn => "设立日期",
        }
    }

    /// Reads a code or a Chinese label.
    pub fn parse(text: &str) -> Option<BaseField> {
        let t = text.trim();
        BaseField::ALL
            .into_iter()
            .find(|f| f.code() == t || f.name_zh() == t)
    }

    /// Parses a list written as codes or labels separated by `、`, `；`, `;`, `,` or `|`.
    /// Returns the sorted, de-duplicated fields, or the first piece that names no field.
    pub fn parse_list(text: &str) -> Result<Vec<BaseField>, String> {
        let mut out = Vec::new();
        for piece in text
            .split(['、', '；', ';', ',', '，', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            out.push(BaseField::parse(piece).ok_or_else(|| piece.to_string())?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Whether a base is on the roll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// On the roll.
    Current,
    /// Removed (摘牌) on a date, for a reason.
    Withdrawn {
        /// Date of withdrawal.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
}

impl Status {
    /// `current` or `withdrawn`.
    pub fn code(&self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Withdrawn { .. } => "withdrawn",
        }
    }
}

/// The facts of a base, as entered or imported (no id yet).
#[derive(Clone, Debug, PartialEq)]
pub struct BaseDraft {
    /// Official name, `主导产业(细分)·地点` where the source gives it so.
    pub name: String,
    /// GB/T 2260 province code.
    pub province_code: String,
    /// GB/T 2260 prefecture code; `None` for municipalities or when unknown.
    pub prefecture_code: Option<String>,
    /// Category (大类) code.
    pub category_code: String,
    /// Sub-type (细分) code.
    pub subcategory_code: Option<String>,
    /// 优势 or 特色.
    pub series: Option<Series>,
    /// Current tier.
    pub tier: Tier,
    /// Designation batch (national bases).
    pub batch: Option<i32>,
    /// Year of designation at the current tier.
    pub designated_year: Option<i32>,
    /// Date of designation, when known.
    pub designated_on: Option<NaiveDate>,
    /// Leading industries (主导产业), most important first.
    pub leading_industries: Vec<String>,
    /// Managing body (管理机构), e.g. a development-zone management committee.
    pub managing_body: Option<String>,
    /// Planned area in km².
    pub area_km2: Option<f64>,
    /// On the roll or withdrawn.
    pub status: Status,
    /// Whether the record was generated for the demo rather than taken from a public source.
    pub synthetic: bool,
    /// Fields of a real record (`synthetic == false`) that were generated because the source
    /// leaves them empty. Empty for generated records, which are synthetic as a whole.
    pub generated_fields: Vec<BaseField>,
    /// Public source of the facts, for real records.
    pub source: Option<String>,
    /// Free-text remarks.
    pub note: Option<String>,
}

/// A stored base.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    /// Database id.
    pub id: i64,
    /// The facts.
    pub facts: BaseDraft,
    /// The latest published star rating `(year, stars)`, when the base has one.
    pub latest_rating: Option<(i32, i32)>,
}

/// One step of a base's tier history.
#[derive(Clone, Debug, PartialEq)]
pub struct TierChange {
    /// Database id (0 before storing).
    pub id: i64,
    /// The base.
    pub base_id: i64,
    /// Tier before; `None` when the base entered the ladder.
    pub from: Option<Tier>,
    /// Tier after; `None` when the base left the roll (withdrawal).
    pub to: Option<Tier>,
    /// Effective date.
    pub on: NaiveDate,
    /// The proposal whose acceptance made the change, if recorded through dynamic management.
    pub proposal_id: Option<i64>,
    /// The decision or document, e.g. `工信部规〔2012〕74号` or a reason.
    pub note: String,
}

/// A problem with one field of an input, in the words shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Field (or column) name.
    pub field: String,
    /// What is wrong, with the offending value.
    pub message: String,
}

impl FieldError {
    /// A problem of `field`.
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Categories known to the database, for validation.
pub struct CategorySet<'a> {
    /// All categories and sub-types.
    pub categories: &'a [Category],
}

impl CategorySet<'_> {
    /// The category or sub-type with `code`.
    pub fn get(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// Resolves a code or a Chinese or English name to a top-level category.
    pub fn resolve_category(&self, text: &str) -> Option<&Category> {
        let t = text.trim();
        self.categories
            .iter()
            .filter(|c| c.parent.is_none())
            .find(|c| c.code == t || c.name_zh == t || c.name_en.eq_ignore_ascii_case(t))
    }

    /// Resolves a code or name to a sub-type of `category`.
    pub fn resolve_subcategory(&self, category: &str, text: &str) -> Option<&Category> {
        let t = text.trim();
        self.categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(category))
            .find(|c| c.code == t || c.name_zh == t || c.name_en.eq_ignore_ascii_case(t))
    }
}

/// Earliest year a base can have been designated (the first batch was announced in 2009–2010).
pub const FIRST_DESIGNATION_YEAR: i32 = 2009;

impl BaseDraft {
    /// Checks every rule and returns all problems at once (empty when the draft is valid).
    pub fn validate(&self, categories: &CategorySet<'_>, today: NaiveDate) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let regions = Regions::get();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "name is required"));
        } else if name.chars().count() > 120 {
            errors.push(FieldError::new(
                "name",
                "name is longer than 120 characters",
            ));
        }
        match regions.province(&self.province_code) {
            None => errors.push(FieldError::new(
                "province_code",
                format!("unknown province code {:?} (GB/T 2260)", self.province_code),
            )),
            Some(p) => {
                if let Some(pref) = &self.prefecture_code {
                    match regions.prefecture(pref) {
                        None => errors.push(FieldError::new(
                            "prefecture_code",
                            format!("unknown prefecture code {pref:?} (GB/T 2260)"),
                        )),
                        Some(x) if x.province_code != p.code => errors.push(FieldError::new(
                            "prefecture_code",
                            format!("prefecture {pref} ({}) is not in {}", x.name, p.name),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        match categories.get(&self.category_code) {
            None => errors.push(FieldError::new(
                "category_code",
                format!("unknown category {:?}", self.category_code),
            )),
            Some(c) if c.parent.is_some() => errors.push(FieldError::new(
                "category_code",
                format!("{:?} is a sub-type; give its category", self.category_code),
            )),
            Some(_) => {}
        }
        if let Some(sub) = &self.subcategory_code {
            match categories.get(sub) {
                None => errors.push(FieldError::new(
                    "subcategory_code",
                    format!("unknown sub-type {sub:?}"),
                )),
                Some(c) if c.parent.as_deref() != Some(self.category_code.as_str()) => {
                    errors.push(FieldError::new(
                        "subcategory_code",
                        format!(
                            "sub-type {sub:?} does not belong to category {:?}",
                            self.category_code
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(b) = self.batch
            && !(1..=50).contains(&b)
        {
            errors.push(FieldError::new(
                "batch",
                format!("batch {b} is outside 1–50"),
            ));
        }
        let max_year = today.year();
        if let Some(y) = self.designated_year
            && !(FIRST_DESIGNATION_YEAR..=max_year).contains(&y)
        {
            errors.push(FieldError::new(
                "designated_year",
                format!("year {y} is outside {FIRST_DESIGNATION_YEAR}–{max_year}"),
            ));
        }
        if let Some(d) = self.designated_on {
            if d > today {
                errors.push(FieldError::new(
                    "designated_on",
                    format!("date {d} is in the future"),
                ));
            }
            if let Some(y) = self.designated_year
                && y != d.year()
            {
                errors.push(FieldError::new(
                    "designated_on",
                    format!("date {d} disagrees with designated_year {y}"),
                ));
            }
        }
        if let Some(a) = self.area_km2
            && !(a > 0.0 && a.is_finite())
        {
            errors.push(FieldError::new(
                "area_km2",
                format!("area {a} must be positive"),
            ));
        }
        if self.leading_industries.iter().any(|s| s.trim().is_empty()) {
            errors.push(FieldError::new(
                "leading_industries",
                "an empty leading industry",
            ));
        }
        if self.leading_industries.len() > 20 {
            errors.push(FieldError::new(
                "leading_industries",
                "at most 20 leading industries",
            ));
        }
        for (field, value, max) in [
            ("name", Some(self.name.as_str()), usize::MAX),
            ("managing_body", self.managing_body.as_deref(), 200),
            ("source", self.source.as_deref(), 2_000),
            ("note", self.note.as_deref(), 2_000),
        ] {
            errors.extend(value.and_then(|v| check_text(field, v, max)));
        }
        for industry in &self.leading_industries {
            errors.extend(check_text("leading_industries", industry, 100));
        }
        if let Status::Withdrawn { reason, .. } = &self.status {
            errors.extend(check_text("withdrawn_reason", reason, 2_000));
        }
        if let Status::Withdrawn { on, reason } = &self.status {
            if reason.trim().is_empty() {
                errors.push(FieldError::new(
                    "withdrawn_reason",
                    "a withdrawal needs a reason",
                ));
            }
            if *on > today {
                errors.push(FieldError::new(
                    "withdrawn_on",
                    format!("date {on} is in the future"),
                ));
            }
        }
        if self.synthetic && !self.generated_fields.is_empty() {
            errors.push(FieldError::new(
                "generated_fields",
                "a synthetic record is generated as a whole; generated_fields is for real records",
            ));
        }
        errors
    }

    /// Keeps the generated-field marks of `before` whose value this draft leaves unchanged: an
    /// editor who types a value over a generated one has given it a source; the others stay
    /// generated. (For forms that do not show the marks.)
    pub fn keep_generated_fields(&mut self, before: &BaseDraft) {
        let unchanged = |f: BaseField| match f {
            BaseField::Category => self.category_code == before.category_code,
            BaseField::Subcategory => self.subcategory_code == before.subcategory_code,
            BaseField::Series => self.series == before.series,
            BaseField::Batch => self.batch == before.batch,
            BaseField::DesignatedYear => self.designated_year == before.designated_year,
            BaseField::DesignatedOn => self.designated_on == before.designated_on,
        };
        let kept: Vec<BaseField> = before
            .generated_fields
            .iter()
            .copied()
            .filter(|f| unchanged(*f))
            .collect();
        self.generated_fields = kept;
    }

    /// The region of the base's province.
    pub fn region(&self) -> Option<crate::reference::MacroRegion> {
        crate::reference::MacroRegion::of_province(&self.province_code)
    }
}

/// A category or sub-type the ministry adds, checked once for the page and the API: a code of
/// lowercase letters, digits and underscores not yet taken, an existing top-level parent when it
/// is a sub-type, and names within bounds.
pub fn new_category(
    code: &str,
    parent: Option<&str>,
    name_zh: &str,
    name_en: &str,
    existing: &[Category],
) -> Result<Category, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        errors.push(FieldError::new(
            "code",
            format!("{code:?} must be 1–40 lowercase letters, digits and underscores"),
        ));
    } else if existing.iter().any(|c| c.code == code) {
        errors.push(FieldError::new("code", format!("{code:?} exists already")));
    }
    let parent = parent.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = parent
        && !existing.iter().any(|c| c.code == p && c.parent.is_none())
    {
        errors.push(FieldError::new(
            "parent",
            format!("{p:?} is not a category"),
        ));
    }
    if name_zh.trim().is_empty() {
        errors.push(FieldError::new("name_zh", "a Chinese name is required"));
    }
    errors.extend(check_text("name_zh", name_zh.trim(), 60));
    errors.extend(check_text("name_en", name_en.trim(), 120));
    if errors.is_empty() {
        Ok(Category {
            code: code.to_string(),
            parent: parent.map(str::to_string),
            name_zh: name_zh.trim().to_string(),
            name_en: name_en.trim().to_string(),
        })
    } else {
        Err(errors)
    }
}

/// Checks free text typed by a person: at most `max_chars` characters and no control characters
/// (NUL above all, which PostgreSQL refuses in text) other than line breaks and tabs. Every
/// free-text field of the product goes through this or a stricter rule.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> Option<FieldError> {
    if value.chars().count() > max_chars {
        Some(FieldError::new(
            field,
            format!("at most {max_chars} characters"),
        ))
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(FieldError::new(
            field,
            "control characters (such as NUL) are not allowed",
        ))
    } else {
        None
    }
}

/// Builds an official name `主导产业(细分)·地点`; the detail is omitted when empty.
pub fn official_name(leading_industry: &str, detail: Option<&str>, place: &str) -> String {
    match detail.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!("{}({d})·{}", leading_industry.trim(), place.trim()),
        None => format!("{}·{}", leading_industry.trim(), place.trim()),
    }
}

/// Splits an official name into its industry and place parts, when it has the `·` form.
pub fn split_official_name(name: &str) -> Option<(&str, &str)> {
    name.split_once('·')
}

/// A withdrawal from the roll (摘牌) as checked once for every caller: a date that is not in the
/// future and a written reason. The API and the page both build it with [`Withdrawal::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    /// Effective date.
    pub on: NaiveDate,
    /// Why, shown on the base's timeline.
    pub reason: String,
}

impl Withdrawal {
    /// Parses a date (`YYYY-MM-DD` and the forms of [`crate::parse::parse_date`]) and a reason,
    /// with every problem by field.
    pub fn parse(on: &str, reason: &str, today: NaiveDate) -> Result<Withdrawal, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = crate::parse::parse_date(on);
        match date {
            None => errors.push(FieldError::new(
                "on",
                format!("{on:?} is not a date (YYYY-MM-DD)"),
            )),
            Some(d) if d > today => {
                errors.push(FieldError::new("on", format!("{d} is in the future")))
            }
            Some(_) => {}
        }
        let reason = reason.trim();
        if reason.is_empty() {
            errors.push(FieldError::new("reason", "a reason is required"));
        }
        match date {
            Some(on) if errors.is_empty() => Ok(Withdrawal {
                on,
                reason: reason.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::builtin_categories;

    fn draft() -> BaseDraft {
        BaseDraft {
            name: official_name("装备制造", Some("工程机械"), "长沙经济技术开发区"),
            province_code: "430000".into(),
            prefecture_code: Some("430100".into()),
            category_code: "equipment".into(),
            subcategory_code: Some("high_end_equipment".into()),
            series: Some(Series::Advantage),
            tier: Tier::National,
            batch: Some(1),
            designated_year: Some(2010),
            designated_on: NaiveDate::from_ymd_opt(2010, 1, 15),
            leading_industries: vec!["工程机械".into()],
            managing_body: None,
            area_km2: Some(38.6),
            status: Status::Current,
            synthetic: false,
            generated_fields: Vec::new(),
            source: None,
            note: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn official_names_follow_the_convention() {
        assert_eq!(draft().name, "装备制造(工程机械)·长沙经济技术开发区");
        assert_eq!(official_name("食品", None, "山东荣成"), "食品·山东荣成");
        assert_eq!(
            split_official_name("食品·山东荣成"),
            Some(("食品", "山东荣成"))
        );
    }

    #[test]
    fn a_valid_draft_has_no_errors() {
        let cats = builtin_categories();
        assert!(
            draft()
                .validate(&CategorySet { categories: &cats }, today())
                .is_empty()
        );
    }

    #[test]
    fn each_rule_reports_its_field() {
        let cats = builtin_categories();
        let set = CategorySet { categories: &cats };
        type Mutation = fn(&mut BaseDraft);
        let cases: Vec<(Mutation, &str)> = vec![
            (|d| d.name = " ".into(), "name"),
            (|d| d.province_code = "990000".into(), "province_code"),
            (
                |d| d.prefecture_code = Some("420100".into()),
                "prefecture_code",
            ),
            (
                |d| {
                    d.category_code = "steel".into();
                    d.subcategory_code = None
                },
                "category_code",
            ),
            (
                |d| d.subcategory_code = Some("software".into()),
                "subcategory_code",
            ),
            (|d| d.batch = Some(0), "batch"),
            (
                |d| {
                    d.designated_year = Some(2001);
                    d.designated_on = None
                },
                "designated_year",
            ),
            (
                |d| d.designated_on = NaiveDate::from_ymd_opt(2011, 1, 1),
                "designated_on",
            ),
            (|d| d.area_km2 = Some(-1.0), "area_km2"),
            (
                |d| {
                    d.status = Status::Withdrawn {
                        on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                        reason: "".into(),
                    }
                },
                "withdrawn_reason",
            ),
        ];
        for (mutate, field) in cases {
            let mut d = draft();
            mutate(&mut d);
            let errors = d.validate(&set, today());
            assert_eq!(errors.len(), 1, "{field}: {errors:?}");
            assert_eq!(errors[0].field, field);
        }
    }

    #[test]
    fn tiers_parse_codes_and_names() {
        assert_eq!(Tier::parse("国家级"), Some(Tier::National));
        assert_eq!(Tier::parse("national"), Some(Tier::National));
        assert_eq!(Tier::parse("卓越提升"), Some(Tier::Excellence));
        assert_eq!(Tier::Cultivating.next(), Some(Tier::Provincial));
        assert!(Tier::Provincial < Tier::National);
    }

    #[test]
    fn a_withdrawal_needs_a_past_date_and_a_reason() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let ok = Withdrawal::parse("2026-03-01", " 整改不达标 ", today).unwrap();
        assert_eq!(ok.reason, "整改不达标");
        let fields = |r: Result<Withdrawal, Vec<FieldError>>| -> Vec<String> {
            r.unwrap_err().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(Withdrawal::parse("2027-01-01", "x", today)), ["on"]);
        assert_eq!(
            fields(Withdrawal::parse("soon", "", today)),
            ["on", "reason"]
        );
    }

    #[test]
    fn generated_fields_parse_from_codes_and_labels_and_belong_to_real_records() {
        assert_eq!(
            BaseField::parse_list("批次、 series ;batch").unwrap(),
            [BaseField::Series, BaseField::Batch]
        );
        assert_eq!(BaseField::parse_list("").unwrap(), []);
        assert_eq!(BaseField::parse_list("批次、名称").unwrap_err(), "名称");
        for f in BaseField::ALL {
            assert_eq!(BaseField::parse(f.code()), Some(f));
            assert_eq!(BaseField::parse(f.name_zh()), Some(f));
        }
        let cats = builtin_categories();
        let set = CategorySet { categories: &cats };
        let mut d = draft();
        d.generated_fields = vec![BaseField::Batch];
        assert!(d.validate(&set, today()).is_empty());
        let mut edited = draft();
        edited.batch = Some(2);
        d.generated_fields = vec![BaseField::Series, BaseField::Batch];
        edited.keep_generated_fields(&d);
        assert_eq!(edited.generated_fields, [BaseField::Series]);
        d.synthetic = true;
        let errors = d.validate(&set, today());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "generated_fields");
    }
}
