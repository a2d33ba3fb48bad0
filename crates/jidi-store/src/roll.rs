//! The roll: reference data, categories, bases, tier history, roll statistics.

use chrono::{NaiveDate, Utc};
use jidi_domain::access::ListScope;
use jidi_domain::catalogue;
use jidi_domain::reference::{self, Category, MacroRegion, Regions};
use jidi_domain::roll::{Base, BaseDraft, BaseField, Series, Status, Tier, TierChange};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::error::{Result, StoreError};
use crate::row::{Conditions, Param, Row, bind_params, push_list, push_where, to_json};
use crate::store::{Store, on_pool};

/// Filters of the base list; `None` means any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BaseFilter {
    /// Province code.
    pub province: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Sub-type code.
    pub subcategory: Option<String>,
    /// Tier.
    pub tier: Option<Tier>,
    /// Series.
    pub series: Option<Series>,
    /// Designation batch.
    pub batch: Option<i32>,
    /// Current or withdrawn.
    pub status: Option<StatusFilter>,
    /// Macro-region.
    pub region: Option<MacroRegion>,
    /// National strategy code (province membership).
    pub strategy: Option<String>,
    /// Designated in this year.
    pub designated_year: Option<i32>,
    /// Text in the name, leading industries or managing body.
    pub text: Option<String>,
    /// Only the national programme (national and excellence tiers, current or withdrawn).
    pub national_only: bool,
}

/// Status filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// On the roll.
    Current,
    /// Withdrawn.
    Withdrawn,
}

/// Sort keys of the base list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BaseSort {
    /// By name.
    #[default]
    Name,
    /// By province code.
    Province,
    /// By category and sub-type.
    Category,
    /// By tier, highest first when ascending is reversed.
    Tier,
    /// By batch.
    Batch,
    /// By designation year.
    Designated,
    /// By id (insertion order).
    Id,
}

impl BaseSort {
    /// Parses a sort key.
    pub fn parse(text: &str) -> Option<BaseSort> {
        Some(match text {
            "name" => BaseSort::Name,
            "province" => BaseSort::Province,
            "category" => BaseSort::Category,
            "tier" => BaseSort::Tier,
            "batch" => BaseSort::Batch,
            "designated" | "designated_year" => BaseSort::Designated,
            "id" => BaseSort::Id,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            // Pinyin order (the stored key), then the name for homophones.
            BaseSort::Name => "name_key, name",
            BaseSort::Province => "province_code",
            BaseSort::Category => "category_code, subcategory_code",
            BaseSort::Tier => {
                "CASE tier WHEN 'cultivating' THEN 1 WHEN 'provincial' THEN 2 WHEN 'national' THEN 3 ELSE 4 END"
            }
            BaseSort::Batch => "batch",
            BaseSort::Designated => "designated_year",
            BaseSort::Id => "id",
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// A page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return (at most 500).
    pub limit: u32,
}

impl Page {
    /// The first `limit` rows.
    pub fn first(limit: u32) -> Page {
        Page { offset: 0, limit }
    }
}

/// Roll statistics for the dashboard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Bases by tier code (current only).
    pub by_tier: Vec<(String, i64)>,
    /// National bases by category code (current only).
    pub by_category: Vec<(String, i64)>,
    /// National bases by series code (current only; `none` when not set).
    pub by_series: Vec<(String, i64)>,
    /// National bases by region code (current only).
    pub by_region: Vec<(String, i64)>,
    /// National bases by province code (current only).
    pub by_province: Vec<(String, i64)>,
    /// National designations by year (all ever designated).
    pub designations_by_year: Vec<(i32, i64)>,
    /// Withdrawn national bases.
    pub withdrawn: i64,
    /// Synthetic records among the counted bases.
    pub synthetic: i64,
}

pub(crate) const BASE_COLUMNS: &str = "id, name, province_code, prefecture_code, category_code, subcategory_code, series, tier, batch, designated_year, designated_on, leading_industries, managing_body, area_km2, status, withdrawn_on, withdrawn_reason, synthetic, source, note, generated_fields, latest_stars, latest_stars_year";

pub(crate) fn base_from_row(r: &impl Row) -> Result<Base> {
    let tier_code = r.text("tier")?;
    let status = match r.text("status")?.as_str() {
        "withdrawn" => Status::Withdrawn {
            on: r
                .opt_date("withdrawn_on")?
                .ok_or_else(|| StoreError::corrupt("withdrawal date", "NULL"))?,
            reason: r.opt_text("withdrawn_reason")?.unwrap_or_default(),
        },
        "current" => Status::Current,
        other => return Err(StoreError::corrupt("base status", other)),
    };
    let leading: Vec<String> = r.json("leading_industries")?;
    Ok(Base {
        id: r.int("id")?,
        facts: BaseDraft {
            name: r.text("name")?,
            province_code: r.text("province_code")?,
            prefecture_code: r.opt_text("prefecture_code")?,
            category_code: r.text("category_code")?,
            subcategory_code: r.opt_text("subcategory_code")?,
            series: r
                .opt_text("series")?
                .map(|s| Series::parse(&s).ok_or_else(|| StoreError::corrupt("series", &s)))
                .transpose()?,
            tier: Tier::parse(&tier_code).ok_or_else(|| StoreError::corrupt("tier", &tier_code))?,
            batch: r.opt_int32("batch")?,
            designated_year: r.opt_int32("designated_year")?,
            designated_on: r.opt_date("designated_on")?,
            leading_industries: leading,
            managing_body: r.opt_text("managing_body")?,
            area_km2: r.opt_float("area_km2")?,
            status,
            synthetic: r.boolean("synthetic")?,
            generated_fields: {
                let codes: Vec<String> = r.json("generated_fields")?;
                codes
                    .iter()
                    .map(|c| {
                        BaseField::parse(c).ok_or_else(|| StoreError::corrupt("generated field", c))
                    })
                    .collect::<Result<_>>()?
            },
            source: r.opt_text("source")?,
            note: r.opt_text("note")?,
        },
        latest_rating: r
            .opt_int32("latest_stars_year")?
            .zip(r.opt_int32("latest_stars")?),
    })
}

fn opt_tier(r: &impl Row, column: &str) -> Result<Option<Tier>> {
    r.opt_text(column)?
        .map(|t| Tier::parse(&t).ok_or_else(|| StoreError::corrupt("tier", &t)))
        .transpose()
}

fn tier_change_from_row(r: &impl Row) -> Result<TierChange> {
    Ok(TierChange {
        id: r.int("id")?,
        base_id: r.int("base_id")?,
        from: opt_tier(r, "from_tier")?,
        to: opt_tier(r, "to_tier")?,
        on: r.date("changed_on")?,
        proposal_id: r.opt_int("proposal_id")?,
        note: r.text("note")?,
    })
}

/// The parameters of a base row, in `INSERT` column order after `id`.
pub(crate) fn base_params(d: &BaseDraft) -> Vec<Param> {
    let (withdrawn_on, withdrawn_reason) = match &d.status {
        Status::Current => (None, None),
        Status::Withdrawn { on, reason } => (Some(*on), Some(reason.clone())),
    };
    vec![
        Param::Text(d.name.trim().to_string()),
        Param::Text(jidi_domain::pinyin_key::name_sort_key(&d.name)),
        Param::Text(d.province_code.clone()),
        Param::OptText(d.prefecture_code.clone()),
        Param::Text(d.region().map_or("east", MacroRegion::code).to_string()),
        Param::Text(d.category_code.clone()),
        Param::OptText(d.subcategory_code.clone()),
        Param::OptText(d.series.map(|s| s.code().to_string())),
        Param::Text(d.tier.code().to_string()),
        Param::OptInt32(d.batch),
        Param::OptInt32(d.designated_year),
        Param::OptDate(d.designated_on),
        Param::Text(to_json(&d.leading_industries)),
        Param::OptText(d.managing_body.clone()),
        Param::OptFloat(d.area_km2),
        Param::Text(d.status.code().to_string()),
        Param::OptDate(withdrawn_on),
        Param::OptText(withdrawn_reason),
        Param::Bool(d.synthetic),
        Param::OptText(d.source.clone()),
        Param::OptText(d.note.clone()),
        Param::Text(to_json(
            &d.generated_fields
                .iter()
                .map(|f| f.code())
                .collect::<Vec<_>>(),
        )),
    ]
}

pub(crate) const INSERT_BASE: &str = "INSERT INTO bases (name, name_key, province_code, prefecture_code, region, category_code, subcategory_code, series, tier, batch, designated_year, designated_on, leading_industries, managing_body, area_km2, status, withdrawn_on, withdrawn_reason, synthetic, source, note, generated_fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id";

const UPDATE_BASE: &str = "UPDATE bases SET name = $1, name_key = $2, province_code = $3, prefecture_code = $4, region = $5, category_code = $6, subcategory_code = $7, series = $8, tier = $9, batch = $10, designated_year = $11, designated_on = $12, leading_industries = $13, managing_body = $14, area_km2 = $15, status = $16, withdrawn_on = $17, withdrawn_reason = $18, synthetic = $19, source = $20, note = $21, generated_fields = $22, updated_at = $23 WHERE id = $24";

pub(crate) const INSERT_TIER_CHANGE: &str = "INSERT INTO tier_changes (base_id, from_tier, to_tier, changed_on, proposal_id, note) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)";

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The two statements of a page of the roll (the count, the page), each after `$prefix`: empty to
/// run them, an `EXPLAIN` to plan them ([`crate::plans`]), so that the plans checked are those of
/// the statements run. A macro because each backend's `QueryBuilder` is its own type.
macro_rules! roll_page_statements {
    ($prefix:expr, $c:expr, $order_by:expr, $limit:expr, $offset:expr) => {{
        let mut count = QueryBuilder::new(format!("{}SELECT COUNT(*) FROM bases", $prefix));
        push_where!(count, $c);
        let mut list = QueryBuilder::new(format!(
            "{}SELECT {} FROM bases WHERE id IN (SELECT id FROM bases",
            $prefix,
            $crate::roll::BASE_COLUMNS
        ));
        push_where!(list, $c);
        list.push(format!(" ORDER BY {} LIMIT ", $order_by))
            .push_bind($limit)
            .push(" OFFSET ")
            .push_bind($offset);
        list.push(format!(") ORDER BY {}", $order_by));
        (count, list)
    }};
}
pub(crate) use roll_page_statements;

/// The `ORDER BY` of a page of the roll: the sort key, then the id so that pages never overlap.
pub(crate) fn roll_order_by(sort: BaseSort, order: SortOrder) -> String {
    let direction = match order {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    // Every column of a compound key runs in the chosen direction. Columns that cannot be NULL
    // get no NULLS LAST: SQLite does not know that `name_key` (added by ALTER TABLE) holds no
    // NULL and would sort what its index already gives in order.
    let columns: Vec<String> = sort
        .sql()
        .split(", ")
        .map(|c| match c {
            "name_key" | "name" => format!("{c} {direction}"),
            _ => format!("{c} {direction} NULLS LAST"),
        })
        .collect();
    format!("{}, id {direction}", columns.join(", "))
}

/// The conditions of a filter, plus the listing scope for provincial and cultivating entries.
pub(crate) fn conditions(filter: &BaseFilter, scope: &ListScope) -> Conditions {
    let mut c = Conditions::default();
    match scope {
        ListScope::Everything => {}
        ListScope::NationalOnly => c.push("tier IN ('national', 'excellence')", vec![]),
        ListScope::NationalAndProvince(p) => c.push(
            "(tier IN ('national', 'excellence') OR province_code = ?)",
            vec![Param::Text(p.clone())],
        ),
    }
    if filter.national_only {
        c.push("tier IN ('national', 'excellence')", vec![]);
    }
    if let Some(v) = &filter.province {
        c.push("province_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = &filter.prefecture {
        c.push("prefecture_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = &filter.category {
        c.push("category_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = &filter.subcategory {
        c.push("subcategory_code = ?", vec![Param::Text(v.clone())]);
    }
    if let Some(v) = filter.tier {
        c.push("tier = ?", vec![Param::Text(v.code().into())]);
    }
    if let Some(v) = filter.series {
        c.push("series = ?", vec![Param::Text(v.code().into())]);
    }
    if let Some(v) = filter.batch {
        c.push("batch = ?", vec![Param::Int32(v)]);
    }
    if let Some(v) = filter.designated_year {
        c.push("designated_year = ?", vec![Param::Int32(v)]);
    }
    match filter.status {
        Some(StatusFilter::Current) => c.push("status = 'current'", vec![]),
        Some(StatusFilter::Withdrawn) => c.push("status = 'withdrawn'", vec![]),
        None => {}
    }
    if let Some(r) = filter.region {
        c.push("region = ?", vec![Param::Text(r.code().into())]);
    }
    if let Some(code) = &filter.strategy {
        let provinces: Vec<String> = reference::STRATEGIES
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.provinces.iter().map(|p| format!("{p}0000")).collect())
            .unwrap_or_default();
        c.push_in(
            "province_code",
            provinces.into_iter().map(Param::Text).collect(),
        );
    }
    if let Some(t) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let like = escape_like(t);
        c.push(
            "(name LIKE ? ESCAPE '\\' OR leading_industries LIKE ? ESCAPE '\\' OR managing_body LIKE ? ESCAPE '\\')",
            vec![Param::Text(like.clone()), Param::Text(like.clone()), Param::Text(like)],
        );
    }
    c
}

impl Store {
    /// Gives every base written before migration 15 (or by a path that left it empty) its pinyin
    /// sort key, in one transaction. Runs on every `migrate`; a roll that is up to date reads
    /// nothing but an empty result.
    pub(crate) async fn backfill_name_keys(&self) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM bases WHERE name_key = ''")
                .fetch_all(&mut *tx).await?;
            for (id, name) in rows {
                sqlx::query("UPDATE bases SET name_key = $1 WHERE id = $2")
                    .bind(jidi_domain::pinyin_key::name_sort_key(&name)).bind(id)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Loads provinces, prefectures, built-in categories and the indicator catalogue. Built-in rows
    /// are updated in place; categories the ministry added are left alone.
    pub(crate) async fn sync_reference_data(&self) -> Result<()> {
        let regions = Regions::get();
        let categories = reference::builtin_categories();
        // Once the catalogue is managed, `indicators` follows its versions, not this binary.
        let managed = self.applied_migrations().await?.contains(&13);
        let indicators = if managed {
            &[][..]
        } else {
            catalogue::reference_catalogue()
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for p in &regions.provinces {
                sqlx::query("INSERT INTO provinces (code, name, short_name, region) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, region = excluded.region")
                    .bind(&p.code).bind(&p.name).bind(&p.short_name).bind(p.region.code())
                    .execute(&mut *tx).await?;
            }
            for p in &regions.prefectures {
                sqlx::query("INSERT INTO prefectures (code, name, province_code) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = excluded.name, province_code = excluded.province_code")
                    .bind(&p.code).bind(&p.name).bind(&p.province_code)
                    .execute(&mut *tx).await?;
            }
            // Categories before sub-types, for the parent reference.
            for (i, c) in categories.iter().enumerate() {
                sqlx::query("INSERT INTO categories (code, parent_code, name_zh, name_en, sort_order, builtin) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name_zh = excluded.name_zh, name_en = excluded.name_en, sort_order = excluded.sort_order, builtin = excluded.builtin")
                    .bind(&c.code).bind(&c.parent).bind(&c.name_zh).bind(&c.name_en).bind(i as i32).bind(true)
                    .execute(&mut *tx).await?;
            }
            for (i, ind) in indicators.iter().enumerate() {
                sqlx::query("INSERT INTO indicators (code, name_zh, name_en, unit, frequency, cumulative, direction, dimension, formula, applies_to, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, unit = excluded.unit, frequency = excluded.frequency, cumulative = excluded.cumulative, direction = excluded.direction, dimension = excluded.dimension, formula = excluded.formula, applies_to = excluded.applies_to, sort_order = excluded.sort_order")
                    .bind(&ind.code).bind(&ind.name_zh).bind(&ind.name_en).bind(&ind.unit)
                    .bind(ind.frequency.code()).bind(ind.cumulative)
                    .bind(if ind.direction == jidi_domain::engine::normalise::Direction::Cost { -1i32 } else { 1i32 })
                    .bind(&ind.dimension).bind(&ind.formula)
                    .bind(to_json(&ind.applies_to))
                    .bind(i as i32)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.seed_catalogue().await
    }

    /// All categories and sub-types, in display order.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT code, parent_code, name_zh, name_en FROM categories ORDER BY sort_order, code")
                .fetch_all(pool).await?;
            rows.iter().map(|r| Ok(Category {
                code: r.text("code")?,
                parent: r.opt_text("parent_code")?,
                name_zh: r.text("name_zh")?,
                name_en: r.text("name_en")?,
            })).collect()
        })
    }

    /// Adds a category or sub-type (the ministry extends the reference list).
    pub async fn add_category(&self, category: &Category, actor: Option<i64>) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let order: i32 = sqlx::query_scalar("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM categories")
                .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO categories (code, parent_code, name_zh, name_en, sort_order, builtin) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&category.code).bind(&category.parent).bind(&category.name_zh).bind(&category.name_en).bind(order).bind(false)
                .execute(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, format!("category {} already exists", category.code)))?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("category").bind(&category.code)
                .bind(serde_json::json!({"name_zh": category.name_zh}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Whether the roll is empty (no base yet).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM bases").fetch_one(pool).await?);
        Ok(n == 0)
    }

    /// A base by id.
    pub async fn base(&self, id: i64) -> Result<Option<Base>> {
        let sql = format!("SELECT {BASE_COLUMNS} FROM bases WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(base_from_row).transpose()
        })
    }

    /// Bases by id (missing ids are left out), in one query per 400 ids.
    pub async fn bases_by_ids(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Base>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(400) {
            if chunk.is_empty() {
                continue;
            }
            let params: Vec<Param> = chunk.iter().map(|i| Param::Int(*i)).collect();
            let bases: Vec<Base> = on_pool!(self, pool => {
                let mut qb = QueryBuilder::new(format!("SELECT {BASE_COLUMNS} FROM bases WHERE id IN ("));
                push_list!(qb, &params);
                qb.push(")");
                let rows = qb.build().fetch_all(pool).await?;
                rows.iter().map(base_from_row).collect::<Result<Vec<_>>>()?
            });
            out.extend(bases.into_iter().map(|b| (b.id, b)));
        }
        Ok(out)
    }

    /// A page of bases and the total number matching.
    pub async fn list_bases(
        &self,
        filter: &BaseFilter,
        scope: &ListScope,
        sort: BaseSort,
        order: SortOrder,
        page: Page,
    ) -> Result<(Vec<Base>, i64)> {
        let c = conditions(filter, scope);
        let limit = page.limit.clamp(1, 500) as i64;
        let offset = page.offset as i64;
        // The page is chosen on (sort key, id) alone and only its rows are read whole: sorting
        // the matching rows with every column costs SQLite a temporary b-tree of wide records,
        // and the default order by name comes straight from its index. (A window count here
        // would force the sort back in, so the total is a query of its own.)
        let order_by = roll_order_by(sort, order);
        on_pool!(self, pool => {
            let (mut count, mut list) = roll_page_statements!("", c, order_by, limit, offset);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
            let rows = list.build().fetch_all(pool).await?;
            let bases = rows.iter().map(base_from_row).collect::<Result<Vec<_>>>()?;
            Ok((bases, total))
        })
    }

    /// Every base matching `filter` within `scope`, in `sort` order, fetched in pages of 500 so
    /// that no statement reads the whole table (exports, evaluations, the rules).
    pub async fn all_bases(
        &self,
        filter: &BaseFilter,
        scope: &ListScope,
        sort: BaseSort,
        order: SortOrder,
    ) -> Result<Vec<Base>> {
        let mut out = Vec::new();
        loop {
            let offset = out.len() as u32;
            let (page, total) = self
                .list_bases(filter, scope, sort, order, Page { offset, limit: 500 })
                .await?;
            let done = page.is_empty() || (offset as usize + page.len()) as i64 >= total;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }

    /// Creates a base with its first tier-history entry, in one transaction. `on` dates the entry
    /// (the designation date when known).
    pub async fn create_base(
        &self,
        draft: &BaseDraft,
        actor: Option<i64>,
        today: NaiveDate,
    ) -> Result<i64> {
        let ids = self
            .create_bases(std::slice::from_ref(draft), actor, today)
            .await?;
        Ok(ids[0])
    }

    /// Creates several bases, all or none (the roll import). A duplicate name anywhere aborts the
    /// whole transaction.
    pub async fn create_bases(
        &self,
        drafts: &[BaseDraft],
        actor: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<i64>> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut ids = Vec::with_capacity(drafts.len());
            for d in drafts {
                let mut params = base_params(d);
                params.push(crate::row::Param::Timestamp(now));
                let id: i64 = bind_params!(sqlx::query_scalar(INSERT_BASE), &params)
                    .fetch_one(&mut *tx).await
                    .map_err(|e| StoreError::from_unique(e, format!("a base named {:?} already exists", d.name.trim())))?;
                let on = d.designated_on.unwrap_or(today);
                sqlx::query(INSERT_TIER_CHANGE)
                    .bind(id).bind(None::<String>).bind(Some(d.tier.code())).bind(on).bind(None::<i64>)
                    .bind("登记入库")
                    .execute(&mut *tx).await?;
                if let Status::Withdrawn { on, reason } = &d.status {
                    sqlx::query(INSERT_TIER_CHANGE)
                        .bind(id).bind(Some(d.tier.code())).bind(None::<String>).bind(*on).bind(None::<i64>)
                        .bind(reason)
                        .execute(&mut *tx).await?;
                }
                sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("base").bind(id.to_string())
                    .bind(serde_json::json!({"name": d.name}).to_string())
                    .execute(&mut *tx).await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Replaces the facts of a base. A change of tier is written to its history (dated `on`); a
    /// withdrawal must go through [`Store::withdraw_base`].
    pub async fn update_base(
        &self,
        id: i64,
        draft: &BaseDraft,
        actor: Option<i64>,
        on: NaiveDate,
    ) -> Result<Base> {
        let before = self.base(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "base",
            key: id.to_string(),
        })?;
        if before.facts.status != draft.status {
            return Err(StoreError::Conflict(
                "status changes go through a withdrawal, not an update".into(),
            ));
        }
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut params = base_params(draft);
            params.push(Param::Timestamp(now));
            params.push(Param::Int(id));
            bind_params!(sqlx::query(UPDATE_BASE), &params)
                .execute(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, format!("a base named {:?} already exists", draft.name.trim())))?;
            if before.facts.tier != draft.tier {
                sqlx::query(INSERT_TIER_CHANGE)
                    .bind(id).bind(Some(before.facts.tier.code())).bind(Some(draft.tier.code())).bind(on)
                    .bind(None::<i64>).bind("信息更正")
                    .execute(&mut *tx).await?;
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("update").bind("base").bind(id.to_string())
                .bind(serde_json::json!({"name": draft.name, "tier_before": before.facts.tier.code(), "tier_after": draft.tier.code()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.base(id).await?.ok_or(StoreError::NotFound {
            entity: "base",
            key: id.to_string(),
        })
    }

    /// Withdraws a base (摘牌): status, date and reason, and the history entry.
    pub async fn withdraw_base(
        &self,
        id: i64,
        on: NaiveDate,
        reason: &str,
        proposal_id: Option<i64>,
        actor: Option<i64>,
    ) -> Result<Base> {
        let before = self.base(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "base",
            key: id.to_string(),
        })?;
        if before.facts.status != Status::Current {
            return Err(StoreError::Conflict(format!(
                "base {id} is already withdrawn"
            )));
        }
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE bases SET status = 'withdrawn', withdrawn_on = $1, withdrawn_reason = $2, updated_at = $3 WHERE id = $4")
                .bind(on).bind(reason).bind(now).bind(id)
                .execute(&mut *tx).await?;
            sqlx::query(INSERT_TIER_CHANGE)
                .bind(id).bind(Some(before.facts.tier.code())).bind(None::<String>).bind(on).bind(proposal_id).bind(reason)
                .execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("withdraw").bind("base").bind(id.to_string())
                .bind(serde_json::json!({"reason": reason, "on": on.to_string()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.base(id).await?.ok_or(StoreError::NotFound {
            entity: "base",
            key: id.to_string(),
        })
    }

    /// Moves a base to another tier and records why (used when a proposal is accepted).
    pub async fn change_tier(
        &self,
        id: i64,
        to: Tier,
        on: NaiveDate,
        proposal_id: Option<i64>,
        note: &str,
        actor: Option<i64>,
    ) -> Result<()> {
        let before = self.base(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "base",
            key: id.to_string(),
        })?;
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE bases SET tier = $1, updated_at = $2 WHERE id = $3")
                .bind(to.code()).bind(now).bind(id).execute(&mut *tx).await?;
            sqlx::query(INSERT_TIER_CHANGE)
                .bind(id).bind(Some(before.facts.tier.code())).bind(Some(to.code())).bind(on).bind(proposal_id).bind(note)
                .execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("change_tier").bind("base").bind(id.to_string())
                .bind(serde_json::json!({"from": before.facts.tier.code(), "to": to.code(), "note": note}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The tier history of a base, oldest first.
    pub async fn tier_history(&self, base_id: i64) -> Result<Vec<TierChange>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT id, base_id, from_tier, to_tier, changed_on, proposal_id, note FROM tier_changes WHERE base_id = $1 ORDER BY changed_on, id")
                .bind(base_id).fetch_all(pool).await?;
            rows.iter().map(tier_change_from_row).collect()
        })
    }

    /// Names already on the roll among `names` (for import validation).
    pub async fn existing_names(&self, names: &[String]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for chunk in names.chunks(500) {
            let params: Vec<Param> = chunk
                .iter()
                .map(|n| Param::Text(n.trim().to_string()))
                .collect();
            let rows: Vec<String> = on_pool!(self, pool => {
                let mut qb = QueryBuilder::new("SELECT name FROM bases WHERE name IN (");
                push_list!(qb, &params);
                qb.push(")");
                qb.build_query_scalar().fetch_all(pool).await?
            });
            found.extend(rows);
        }
        Ok(found)
    }

    /// Roll statistics within a listing scope (see [`jidi_domain::access::list_scope`]).
    pub async fn counts(&self, scope: &ListScope) -> Result<Counts> {
        let base = conditions(&BaseFilter::default(), scope);
        let national_current = base.and(
            "tier IN ('national', 'excellence') AND status = 'current'",
            vec![],
        );
        let current = base.and("status = 'current'", vec![]);
        let groups = [
            (&current, "tier"),
            (&national_current, "category_code"),
            (&national_current, "series"),
            (&national_current, "region"),
            (&national_current, "province_code"),
        ];
        let mut results: Vec<Vec<(String, i64)>> = Vec::new();
        for (c, column) in groups {
            let rows: Vec<(String, i64)> = on_pool!(self, pool => {
                let mut qb = QueryBuilder::new(format!("SELECT COALESCE({column}, 'none') AS k, COUNT(*) AS n FROM bases"));
                push_where!(qb, c);
                qb.push(format!(" GROUP BY COALESCE({column}, 'none') ORDER BY n DESC, k"));
                let rows = qb.build().fetch_all(pool).await?;
                rows.iter().map(|r| Ok((r.text("k")?, r.int("n")?))).collect::<Result<Vec<_>>>()?
            });
            results.push(rows);
        }
        let designated = base.and(
            "tier IN ('national', 'excellence') AND designated_year IS NOT NULL",
            vec![],
        );
        let withdrawn_c = base.and("status = 'withdrawn'", vec![]);
        let synthetic_c = base.and("synthetic = ?", vec![Param::Bool(true)]);
        let (designations, withdrawn, synthetic): (Vec<(i32, i64)>, i64, i64) = on_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT designated_year AS y, COUNT(*) AS n FROM bases");
            push_where!(qb, designated);
            qb.push(" GROUP BY designated_year ORDER BY designated_year");
            let rows = qb.build().fetch_all(pool).await?;
            let years = rows.iter().map(|r| Ok((r.int32("y")?, r.int("n")?))).collect::<Result<Vec<_>>>()?;
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM bases");
            push_where!(qb, withdrawn_c);
            let w: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM bases");
            push_where!(qb, synthetic_c);
            let s: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            (years, w, s)
        });
        let mut it = results.into_iter();
        Ok(Counts {
            by_tier: it.next().unwrap_or_default(),
            by_category: it.next().unwrap_or_default(),
            by_series: it.next().unwrap_or_default(),
            by_region: it.next().unwrap_or_default(),
            by_province: it.next().unwrap_or_default(),
            designations_by_year: designations,
            withdrawn,
            synthetic,
        })
    }
}
