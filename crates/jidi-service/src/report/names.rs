//! Labels of the report: category and province names in both languages, and base references.

use std::collections::HashMap;

use jidi_domain::reference::Regions;
use jidi_domain::roll::Base;
use jidi_report::model::{BaseRef, Name};
use jidi_store::Store;

/// English names of the provinces (GB/T 2260 has only the Chinese ones), by code.
const PROVINCE_EN: [(&str, &str); 31] = [
    ("110000", "Beijing"),
    ("120000", "Tianjin"),
    ("130000", "Hebei"),
    ("140000", "Shanxi"),
    ("150000", "Inner Mongolia"),
    ("210000", "Liaoning"),
    ("220000", "Jilin"),
    ("230000", "Heilongjiang"),
    ("310000", "Shanghai"),
    ("320000", "Jiangsu"),
    ("330000", "Zhejiang"),
    ("340000", "Anhui"),
    ("350000", "Fujian"),
    ("360000", "Jiangxi"),
    ("370000", "Shandong"),
    ("410000", "Henan"),
    ("420000", "Hubei"),
    ("430000", "Hunan"),
    ("440000", "Guangdong"),
    ("450000", "Guangxi"),
    ("460000", "Hainan"),
    ("500000", "Chongqing"),
    ("510000", "Sichuan"),
    ("520000", "Guizhou"),
    ("530000", "Yunnan"),
    ("540000", "Tibet"),
    ("610000", "Shaanxi"),
    ("620000", "Gansu"),
    ("630000", "Qinghai"),
    ("640000", "Ningxia"),
    ("650000", "Xinjiang"),
];

/// Category and province names, loaded once per report.
pub struct Labels {
    categories: HashMap<String, Name>,
}

impl Labels {
    /// The categories of the database (the ministry may have added some).
    pub async fn load(store: &Store) -> jidi_store::Result<Labels> {
        let categories = store
            .categories()
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), Name::new(&c.name_zh, &c.name_en)))
            .collect();
        Ok(Labels { categories })
    }

    /// A category or sub-type by code; an unknown code names itself.
    pub fn category(&self, code: &str) -> Name {
        self.categories
            .get(code)
            .cloned()
            .unwrap_or_else(|| Name::new(code, code))
    }

    /// A province by GB/T 2260 code, in its short form (`湖北`, `Hubei`).
    pub fn province(&self, code: &str) -> Name {
        let zh = Regions::get()
            .province(code)
            .map(|p| p.short_name.clone())
            .unwrap_or_else(|| code.to_string());
        match PROVINCE_EN.iter().find(|(c, _)| *c == code) {
            Some((_, en)) => Name::new(&zh, en),
            None => Name::zh_only(&zh),
        }
    }

    /// A base as the report names it (its official name exists only in Chinese).
    pub fn base_ref(&self, base: &Base) -> BaseRef {
        BaseRef {
            key: base.id.to_string(),
            name: Name::zh_only(&base.facts.name),
            category: self.category(&base.facts.category_code),
            province: self.province(&base.facts.province_code),
        }
    }
}
