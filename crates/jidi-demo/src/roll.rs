//! The generated roll: the real bases, then generated national bases in batch, province and
//! category slots that keep the published totals, withdrawals, the excellence plan, and the
//! provincial and cultivating tiers.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use jidi_domain::bulk::TierChangeDraft;
use jidi_domain::reference::Regions;
use jidi_domain::roll::{BaseDraft, BaseField, Series, Status, Tier};

use crate::calibration::*;
use crate::config::{DemoConfig, date};
use crate::real::{category_code_of_zh, real_bases, subtype_of_source};
use crate::rng::Rng;

/// A generated base before it is stored, with the latent quality that drives its values.
#[derive(Clone, Debug)]
pub(crate) struct DemoBase {
    /// The facts.
    pub draft: BaseDraft,
    /// Its tier history, oldest first.
    pub history: Vec<TierChangeDraft>,
    /// Latent quality (standard normal), which drives the generated values; not stored.
    pub quality: f64,
}

pub(crate) fn batch_date(batch: i32) -> NaiveDate {
    let (y, m, d) = BATCHES[(batch - 1) as usize].date;
    date(y, m, d)
}

pub(crate) fn batch_document(batch: i32) -> &'static str {
    BATCHES[(batch - 1) as usize].document
}

struct Slot {
    batch: i32,
    province: String,
    category: String,
}

pub(crate) fn generate_roll(config: &DemoConfig) -> Vec<DemoBase> {
    let regions = Regions::get();
    let mut rng = Rng::new(config.seed, 1);
    let reals = real_bases();
    let mut bases: Vec<DemoBase> = Vec::new();

    // Quotas consumed by the real bases.
    let mut province_left: HashMap<String, usize> = PROVINCE_QUOTA
        .iter()
        .map(|(p, n)| ((*p).to_string(), *n))
        .collect();
    // Eleven withdrawn bases come on top of the current roll, spread over these provinces.
    for p in WITHDRAWN_PROVINCES {
        *province_left.get_mut(p).expect("quota province") += 1;
    }
    let mut category_left: HashMap<String, usize> = CATEGORY_QUOTA
        .iter()
        .map(|(c, n)| ((*c).to_string(), *n))
        .collect();
    let mut batch_left: HashMap<i32, usize> = BATCHES.iter().map(|b| (b.number, b.count)).collect();
    let mut batch1_categories: HashMap<&str, usize> = BATCH1_CATEGORIES.iter().copied().collect();
    let mut names_per_city: HashMap<String, usize> = HashMap::new();

    for real in &reals {
        let mut filled: Vec<BaseField> = Vec::new();
        let province = regions
            .province_by_name(&real.province)
            .unwrap_or_else(|| panic!("real base province {}", real.province));
        let prefecture = if regions.is_municipality(&province.code) {
            None
        } else {
            regions
                .prefecture_by_name(&province.code, &real.city)
                .map(|p| p.code.clone())
        };
        let mut category = category_code_of_zh(&real.category).map(str::to_string);
        if category.is_none() {
            filled.push(BaseField::Category);
            // Pick the category with most places left, to keep the published split.
            let best = CATEGORY_QUOTA
                .iter()
                .map(|(c, _)| *c)
                .max_by_key(|c| (category_left[*c], rng.below(1000)))
                .expect("categories");
            category = Some(best.to_string());
        }
        let category = category.expect("set above");
        let subcategory = subtype_of_source(&real.category, &real.subcategory)
            .map(str::to_string)
            .unwrap_or_else(|| {
                filled.push(BaseField::Subcategory);
                let options: Vec<&(&str, &str, f64, &[&str])> =
                    SUBTYPES.iter().filter(|s| s.0 == category).collect();
                let w: Vec<f64> = options.iter().map(|s| s.2).collect();
                options[rng.weighted(&w)].1.to_string()
            });
        let batch = match real.batch {
            Some(b) => b,
            None => {
                filled.push(BaseField::Batch);
                let first_rated = real.ratings.iter().map(|r| r.0).min();
                // Rated in 2018 → designated by batch 7; first rated 2019 → batch 8.
                let candidates: Vec<i32> = match first_rated {
                    Some(2019) if real.ratings.len() == 1 => vec![8],
                    _ => (1..=7).collect(),
                };
                let w: Vec<f64> = candidates
                    .iter()
                    .map(|b| batch_left[b] as f64 + 0.1)
                    .collect();
                candidates[rng.weighted(&w)]
            }
        };
        let year = batch_date(batch).year();
        if real.year.is_none() {
            filled.push(BaseField::DesignatedYear);
        }
        let series = match Series::parse(&real.series) {
            Some(s) => Some(s),
            None => {
                filled.push(BaseField::Series);
                Some(if rng.uniform() < 0.5 {
                    Series::Advantage
                } else {
                    Series::Specialty
                })
            }
        };
        *province_left.get_mut(&province.code).expect("quota") -= 1;
        *category_left.get_mut(&category).expect("quota") -= 1;
        *batch_left.get_mut(&batch).expect("batch") -= 1;
        if batch == 1 {
            let c = batch1_categories
                .entry(category_static(&category))
                .or_insert(0);
            *c = c.saturating_sub(1);
        }
        let best_rating = real.ratings.iter().map(|r| r.1).max();
        let quality = match best_rating {
            Some(5) => 2.3 + 0.3 * rng.normal(),
            Some(4) => 0.9 + 0.3 * rng.normal(),
            _ => 0.4 + 0.8 * rng.normal(),
        };
        let exact_date = matches!(batch, 3 | 8 | 9) && real.batch.is_some();
        // The generated fields are data (`generated_fields`), marked value by value on the pages;
        // the note keeps only what the source itself remarks.
        filled.sort();
        filled.dedup();
        let note = if real.note.is_empty() {
            String::new()
        } else {
            format!("数据来源备注：{}", real.note)
        };
        let lead = real
            .name
            .split_once('·')
            .map(|(l, _)| l.to_string())
            .unwrap_or_else(|| real.subcategory.clone());
        let history = vec![TierChangeDraft {
            from: None,
            to: Some(Tier::National),
            on: batch_date(batch),
            note: batch_document(batch).to_string(),
        }];
        bases.push(DemoBase {
            draft: BaseDraft {
                name: real.name.clone(),
                province_code: province.code.clone(),
                prefecture_code: prefecture,
                category_code: category,
                subcategory_code: Some(subcategory),
                series,
                tier: Tier::National,
                batch: Some(batch),
                designated_year: Some(year),
                designated_on: exact_date.then(|| batch_date(batch)),
                leading_industries: if lead.is_empty() {
                    Vec::new()
                } else {
                    vec![lead]
                },
                managing_body: None,
                area_km2: None,
                status: Status::Current,
                synthetic: false,
                generated_fields: filled,
                source: Some(real.source.clone()),
                note: (!note.is_empty()).then_some(note),
            },
            history,
            quality,
        });
    }

    // Slots for the generated national bases: batch × province × category.
    let mut slots: Vec<Slot> = Vec::new();
    let mut provinces: Vec<String> = Vec::new();
    for (p, n) in &province_left {
        for _ in 0..*n {
            provinces.push(p.clone());
        }
    }
    provinces.sort();
    rng.shuffle(&mut provinces);
    let mut categories: Vec<String> = Vec::new();
    // Batch 1 takes what is left of its published split first, topped up (or cut) to the number
    // of batch-1 places still open.
    let need_batch1 = batch_left[&1];
    for (c, _) in BATCH1_CATEGORIES {
        let n = batch1_categories[c].min(category_left[c]);
        for _ in 0..n {
            if categories.len() < need_batch1 {
                categories.push(c.to_string());
                *category_left.get_mut(c).expect("quota") -= 1;
            }
        }
    }
    while categories.len() < need_batch1 {
        let c = CATEGORY_QUOTA
            .iter()
            .map(|(c, _)| *c)
            .max_by_key(|c| category_left[*c])
            .expect("categories");
        categories.push(c.to_string());
        *category_left.get_mut(c).expect("quota") -= 1;
    }
    let n_batch1 = categories.len();
    let mut rest: Vec<String> = Vec::new();
    for (c, _) in CATEGORY_QUOTA {
        for _ in 0..category_left[c] {
            rest.push(c.to_string());
        }
    }
    rng.shuffle(&mut rest);
    categories.extend(rest);
    let mut batches: Vec<i32> = Vec::new();
    for b in BATCHES {
        for _ in 0..batch_left[&b.number] {
            batches.push(b.number);
        }
    }
    assert_eq!(batches.len(), provinces.len(), "quotas must agree");
    assert_eq!(batches.len(), categories.len(), "quotas must agree");
    assert!(batches[..batch_left[&1]].iter().all(|b| *b == 1));
    assert_eq!(n_batch1, batch_left[&1]);
    for ((batch, province), category) in batches.into_iter().zip(provinces).zip(categories) {
        slots.push(Slot {
            batch,
            province,
            category,
        });
    }

    let first_generated = bases.len();
    for slot in slots {
        let quality = rng.normal();
        let base = synthetic_base(
            &mut rng,
            &slot.province,
            &slot.category,
            Tier::National,
            quality,
            &mut names_per_city,
        );
        let mut b = base;
        b.draft.batch = Some(slot.batch);
        b.draft.designated_year = Some(batch_date(slot.batch).year());
        b.draft.designated_on = Some(batch_date(slot.batch));
        b.draft.series = Some(if rng.uniform() < 0.42 {
            Series::Advantage
        } else {
            Series::Specialty
        });
        let designated = batch_date(slot.batch);
        let provincial_years = 2 + rng.below(4) as i32;
        let provincial_on =
            date(designated.year() - provincial_years, 6, 30).max(date(2006, 6, 30));
        b.history = vec![
            TierChangeDraft {
                from: None,
                to: Some(Tier::Provincial),
                on: provincial_on,
                note: "省级示范基地认定（模拟）".into(),
            },
            TierChangeDraft {
                from: Some(Tier::Provincial),
                to: Some(Tier::National),
                on: designated,
                note: batch_document(slot.batch).to_string(),
            },
        ];
        bases.push(b);
    }

    // Withdrawals: in each province of `WITHDRAWN_PROVINCES`, its weakest generated base of
    // batches 1–7.
    let mut plan = WITHDRAWALS
        .iter()
        .flat_map(|&(year, n)| (0..n).map(move |k| (year, k)));
    // The eleven withdrawn bases come out of these categories (the quotas above them).
    let mut withdrawn_categories: HashMap<&str, usize> =
        [("equipment", 4), ("materials", 4), ("consumer", 3)]
            .into_iter()
            .collect();
    for province in WITHDRAWN_PROVINCES {
        let (year, k) = plan.next().expect("eleven withdrawals planned");
        let i = (first_generated..bases.len())
            .filter(|&i| {
                bases[i].draft.province_code == province
                    && bases[i].draft.batch.is_some_and(|b| b <= 7)
                    && bases[i].draft.status == Status::Current
                    && withdrawn_categories
                        .get(bases[i].draft.category_code.as_str())
                        .is_some_and(|n| *n > 0)
            })
            .min_by(|&a, &b| bases[a].quality.total_cmp(&bases[b].quality))
            .expect("a candidate in every province of the plan");
        *withdrawn_categories
            .get_mut(bases[i].draft.category_code.as_str())
            .expect("filtered above") -= 1;
        let on = date(year, 3 + (k as u32 * 3) % 9, 20);
        let reason = WITHDRAWAL_REASONS[(i + k) % WITHDRAWAL_REASONS.len()].to_string();
        bases[i].draft.status = Status::Withdrawn {
            on,
            reason: reason.clone(),
        };
        bases[i].history.push(TierChangeDraft {
            from: Some(Tier::National),
            to: None,
            on,
            note: reason,
        });
    }

    // Excellence plan: the strongest current generated bases designated before 2016.
    let mut strong: Vec<usize> = (first_generated..bases.len())
        .filter(|&i| {
            bases[i].draft.status == Status::Current && bases[i].draft.batch.is_some_and(|b| b <= 6)
        })
        .collect();
    strong.sort_by(|&a, &b| bases[b].quality.total_cmp(&bases[a].quality));
    for &i in strong.iter().take(12) {
        let on = date(2024, 6, 28);
        bases[i].draft.tier = Tier::Excellence;
        bases[i].history.push(TierChangeDraft {
            from: Some(Tier::National),
            to: Some(Tier::Excellence),
            on,
            note: "卓越提升计划首批（模拟）".into(),
        });
    }

    // Provincial bases and cultivating clusters, spread like the national roll.
    let province_weights: Vec<f64> = PROVINCE_QUOTA
        .iter()
        .map(|(_, n)| *n as f64 + 4.0)
        .collect();
    let category_weights: Vec<f64> = CATEGORY_QUOTA.iter().map(|(_, n)| *n as f64).collect();
    let last_year = config.last_year();
    for (tier, count) in [
        (Tier::Provincial, config.provincial),
        (Tier::Cultivating, config.cultivating),
    ] {
        for _ in 0..count {
            let province = PROVINCE_QUOTA[rng.weighted(&province_weights)].0;
            let category = CATEGORY_QUOTA[rng.weighted(&category_weights)].0;
            let quality = rng.normal() - if tier == Tier::Cultivating { 0.8 } else { 0.4 };
            let mut b = synthetic_base(
                &mut rng,
                province,
                category,
                tier,
                quality,
                &mut names_per_city,
            );
            let (lo, hi) = if tier == Tier::Provincial {
                (2012, last_year)
            } else {
                (2016, last_year)
            };
            let year = lo + rng.below((hi - lo + 1) as usize) as i32;
            let on = date(year, 1 + rng.below(12) as u32, 15);
            b.draft.designated_year = Some(year);
            b.draft.designated_on = Some(on);
            b.draft.series = None;
            if tier == Tier::Provincial && rng.uniform() < 0.4 && year > 2014 {
                let earlier = date(year - 2 - rng.below(3) as i32, 6, 30);
                b.history.push(TierChangeDraft {
                    from: None,
                    to: Some(Tier::Cultivating),
                    on: earlier,
                    note: "列入省级培育名单（模拟）".into(),
                });
                b.history.push(TierChangeDraft {
                    from: Some(Tier::Cultivating),
                    to: Some(Tier::Provincial),
                    on,
                    note: "省级示范基地认定（模拟）".into(),
                });
            } else {
                b.history.push(TierChangeDraft {
                    from: None,
                    to: Some(tier),
                    on,
                    note: if tier == Tier::Provincial {
                        "省级示范基地认定（模拟）".into()
                    } else {
                        "列入省级培育名单（模拟）".into()
                    },
                });
            }
            bases.push(b);
        }
    }
    bases
}

/// Appends copies `2..=config.scale` of every synthetic base (the real ones stay once), in
/// order: copy k of base i follows copy k of base i−1. A copy keeps its original's place, category,
/// tier, batch, status and history; its name and managing body carry the suffix `（合成 k）` and
/// its latent quality is the original's moved by a normal draw, so its values are its own.
pub(crate) fn replicate(config: &DemoConfig, bases: &mut Vec<DemoBase>) {
    let originals: Vec<usize> = (0..bases.len())
        .filter(|&i| bases[i].draft.synthetic)
        .collect();
    let mut rng = Rng::new(config.seed, 2);
    bases.reserve(originals.len() * config.scale.saturating_sub(1));
    for k in 2..=config.scale {
        for &i in &originals {
            let mut b = bases[i].clone();
            let suffix = format!("（合成 {k}）");
            b.draft.name.push_str(&suffix);
            if let Some(body) = &mut b.draft.managing_body {
                body.push_str(&suffix);
            }
            b.draft.note = Some(format!(
                "演示数据：名称、属性与指标值均为模拟生成（扩展规模的第 {k} 份合成副本）。"
            ));
            b.quality += 0.5 * rng.normal();
            bases.push(b);
        }
    }
}

fn category_static(code: &str) -> &'static str {
    CATEGORY_QUOTA
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == code)
        .unwrap_or("equipment")
}

fn synthetic_base(
    rng: &mut Rng,
    province_code: &str,
    category: &str,
    tier: Tier,
    quality: f64,
    names_per_city: &mut HashMap<String, usize>,
) -> DemoBase {
    let regions = Regions::get();
    let province = regions
        .province(province_code)
        .expect("quota province exists");
    let (prefecture_code, city) = if regions.is_municipality(province_code) {
        (None, province.short_name.clone())
    } else {
        let options: Vec<_> = regions.prefectures_of(province_code).collect();
        let p = *rng.pick(&options);
        (Some(p.code.clone()), short_city(&p.name))
    };
    let options: Vec<&(&str, &str, f64, &[&str])> =
        SUBTYPES.iter().filter(|s| s.0 == category).collect();
    let w: Vec<f64> = options.iter().map(|s| s.2).collect();
    let sub = options[rng.weighted(&w)];
    let detail = *rng.pick(sub.3);
    let category_zh = jidi_domain::reference::BUILTIN_CATEGORIES
        .iter()
        .find(|c| c.0 == category)
        .map(|c| c.2)
        .unwrap_or(category);
    let n = names_per_city.entry(city.clone()).or_insert(0);
    *n += 1;
    let place = format!("{city}模拟园区{n}");
    let name = jidi_domain::roll::official_name(category_zh, Some(detail), &place);
    let area = (3.3 + 0.6 * rng.normal()).exp();
    DemoBase {
        draft: BaseDraft {
            name,
            province_code: province_code.into(),
            prefecture_code,
            category_code: category.into(),
            subcategory_code: Some(sub.1.into()),
            series: None,
            tier,
            batch: None,
            designated_year: None,
            designated_on: None,
            leading_industries: vec![detail.into()],
            managing_body: Some(format!("{place}管理委员会")),
            area_km2: Some((area * 10.0).round() / 10.0),
            status: Status::Current,
            synthetic: true,
            generated_fields: Vec::new(),
            source: None,
            note: Some("演示数据：名称、属性与指标值均为模拟生成。".into()),
        },
        history: Vec::new(),
        quality,
    }
}

fn short_city(name: &str) -> String {
    for suffix in ["市", "地区", "自治州", "盟"] {
        if let Some(s) = name.strip_suffix(suffix)
            && s.chars().count() >= 2
        {
            return s.to_string();
        }
    }
    name.to_string()
}
