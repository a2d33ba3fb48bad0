//! Labels of the report: category and province names in both languages, and base references.

use std::collections::HashMap;

use jidi_domain::reference::Regions;
use jidi_domain::roll::Base;
use jidi_report::model::{BaseRef, Name};
use jidi_store::Store;

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
        // The English names live with the code list (`Province::name_en`), shared with the pages.
        match Regions::get().province(code) {
            Some(p) => Name::new(&p.short_name, &p.name_en),
            None => Name::zh_only(code),
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
