//! Labels of the report: category and province names in both languages, and base references.

use std::collections::HashMap;

use jidi_domain::reference::Regions;
use jidi_domain::roll::Base;
use jidi_report::model::{BaseRef, Name};
use jidi_store::Store;

/// Category and province names, loaded once per report.
pub struct Labels {
    categories: HashMap<String, Name>,
    /// Sub-type code → its category's code.
    parents: HashMap<String, String>,
}

impl Labels {
    /// The categories of the database (the ministry may have added some).
    pub async fn load(store: &Store) -> jidi_store::Result<Labels> {
        let all = store.categories().await?;
        let parents = all
            .iter()
            .filter_map(|c| Some((c.code.clone(), c.parent.clone()?)))
            .collect();
        let categories = all
            .into_iter()
            .map(|c| (c.code.clone(), Name::new(&c.name_zh, &c.name_en)))
            .collect();
        Ok(Labels {
            categories,
            parents,
        })
    }

    /// A category or sub-type by code; an unknown code names itself.
    pub fn category(&self, code: &str) -> Name {
        self.categories
            .get(code)
            .cloned()
            .unwrap_or_else(|| Name::new(code, code))
    }

    /// A peer group of an evaluation run by its key, among the run's `keys`: a sub-type's group is
    /// `原材料·钢铁`; a category's group is `原材料·其他` when sub-types of it form groups of their
    /// own in the run (it holds the rest of the category), else the category itself.
    pub fn peer_group(&self, key: &str, keys: &[&str]) -> Name {
        let own = self.category(key);
        if let Some(parent) = self.parents.get(key) {
            let cat = self.category(parent);
            return Name {
                zh: format!("{}·{}", cat.zh, own.zh),
                en: Some(format!(
                    "{} · {}",
                    cat.en.as_deref().unwrap_or(&cat.zh),
                    own.en.as_deref().unwrap_or(&own.zh)
                )),
            };
        }
        let split = keys
            .iter()
            .any(|k| self.parents.get(*k).is_some_and(|p| p == key));
        if split {
            Name {
                zh: format!("{}·其他", own.zh),
                en: Some(format!(
                    "{} · other sub-types",
                    own.en.as_deref().unwrap_or(&own.zh)
                )),
            }
        } else {
            own
        }
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
