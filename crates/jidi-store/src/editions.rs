//! Published editions of the annual development report: frozen files with their hashes,
//! numbered per year, never changed or deleted.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::Row;
use crate::store::{Store, on_pool};

/// A file the programme office uploaded as the final form of an edition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalFile {
    /// `docx` or `pdf`.
    pub format: String,
    /// The uploaded file's name.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// An edition to publish (the caller hashes the files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEdition {
    /// Year of the data.
    pub year: i32,
    /// Edition number within the year; it must be the next one (the files print it).
    pub edition: i32,
    /// `zh` or `en`.
    pub lang: String,
    /// The generated HTML.
    pub html: Vec<u8>,
    /// SHA-256 of the HTML, hex.
    pub html_sha256: String,
    /// The generated DOCX.
    pub docx: Vec<u8>,
    /// SHA-256 of the DOCX, hex.
    pub docx_sha256: String,
    /// The sidecar JSON of the figures.
    pub figures: String,
    /// The office's final file, when uploaded.
    pub final_file: Option<FinalFile>,
    /// Whether the figures are synthetic.
    pub synthetic: bool,
}

/// A stored edition, without its files.
#[derive(Clone, Debug, PartialEq)]
pub struct EditionRecord {
    /// Id.
    pub id: i64,
    /// Year of the data.
    pub year: i32,
    /// Edition number within the year, from 1.
    pub edition: i32,
    /// `zh` or `en`.
    pub lang: String,
    /// SHA-256 of the HTML.
    pub html_sha256: String,
    /// Size of the HTML, bytes.
    pub html_size: i64,
    /// SHA-256 of the DOCX.
    pub docx_sha256: String,
    /// Size of the DOCX, bytes.
    pub docx_size: i64,
    /// `docx` or `pdf` when the office uploaded a final file.
    pub final_format: Option<String>,
    /// Its name.
    pub final_name: Option<String>,
    /// Its SHA-256.
    pub final_sha256: Option<String>,
    /// Its size, bytes.
    pub final_size: Option<i64>,
    /// Demo data.
    pub synthetic: bool,
    /// Who published it.
    pub published_by: Option<i64>,
    /// When.
    pub published_at: DateTime<Utc>,
}

/// Which file of an edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditionFile {
    /// The generated HTML.
    Html,
    /// The generated DOCX.
    Docx,
    /// The uploaded final file.
    Final,
    /// The sidecar JSON.
    Figures,
}

const EDITION_COLUMNS: &str = "id, year, edition, lang, html_sha256, LENGTH(html) AS html_size, docx_sha256, LENGTH(docx) AS docx_size, final_format, final_name, final_sha256, LENGTH(final_file) AS final_size, synthetic, published_by, published_at";

fn edition_from_row(r: &impl Row) -> Result<EditionRecord> {
    Ok(EditionRecord {
        id: r.int("id")?,
        year: r.int32("year")?,
        edition: r.int32("edition")?,
        lang: r.text("lang")?,
        html_sha256: r.text("html_sha256")?,
        html_size: r.int32("html_size")? as i64,
        docx_sha256: r.text("docx_sha256")?,
        docx_size: r.int32("docx_size")? as i64,
        final_format: r.opt_text("final_format")?,
        final_name: r.opt_text("final_name")?,
        final_sha256: r.opt_text("final_sha256")?,
        final_size: r.opt_int32("final_size")?.map(i64::from),
        synthetic: r.boolean("synthetic")?,
        published_by: r.opt_int("published_by")?,
        published_at: r.timestamp("published_at")?,
    })
}

impl Store {
    /// Publishes an edition, which must be the next number of its year (the files print their
    /// number, so a concurrent publication of the same number is a conflict), with an audit entry.
    pub async fn publish_edition(
        &self,
        edition: &NewEdition,
        actor: Option<i64>,
    ) -> Result<EditionRecord> {
        let now = Utc::now();
        let (final_format, final_name, final_bytes, final_sha) = match &edition.final_file {
            Some(f) => (
                Some(f.format.clone()),
                Some(f.name.clone()),
                Some(f.bytes.clone()),
                Some(f.sha256.clone()),
            ),
            None => (None, None, None, None),
        };
        let id: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let next: i32 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(edition), 0) + 1 AS INTEGER) FROM report_editions WHERE year = $1")
                .bind(edition.year).fetch_one(&mut *tx).await?;
            let number = edition.edition;
            if number != next {
                return Err(StoreError::Conflict(format!(
                    "edition {number} of {}: the next edition is {next}", edition.year
                )));
            }
            let id: i64 = sqlx::query_scalar("INSERT INTO report_editions (year, edition, lang, html, html_sha256, docx, docx_sha256, figures, final_format, final_file, final_sha256, final_name, synthetic, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id")
                .bind(edition.year).bind(number).bind(&edition.lang)
                .bind(&edition.html).bind(&edition.html_sha256)
                .bind(&edition.docx).bind(&edition.docx_sha256)
                .bind(&edition.figures)
                .bind(&final_format).bind(&final_bytes).bind(&final_sha).bind(&final_name)
                .bind(edition.synthetic).bind(actor).bind(now)
                .fetch_one(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, format!("edition {number} of {}", edition.year)))?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("publish").bind("report_edition").bind(id.to_string())
                .bind(serde_json::json!({"year": edition.year, "edition": number, "html_sha256": edition.html_sha256, "final_sha256": final_sha}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.report_edition(id).await?.ok_or(StoreError::NotFound {
            entity: "report edition",
            key: id.to_string(),
        })
    }

    /// The number the next edition of `year` gets.
    pub async fn next_edition(&self, year: i32) -> Result<i32> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar::<_, i32>("SELECT CAST(COALESCE(MAX(edition), 0) + 1 AS INTEGER) FROM report_editions WHERE year = $1")
                .bind(year).fetch_one(pool).await?)
        })
    }

    /// Published editions, newest year and edition first; of one year when given.
    pub async fn report_editions(&self, year: Option<i32>) -> Result<Vec<EditionRecord>> {
        let sql = format!(
            "SELECT {EDITION_COLUMNS} FROM report_editions WHERE ($1 = 0 OR year = $1) ORDER BY year DESC, edition DESC LIMIT 1000"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(year.unwrap_or(0)).fetch_all(pool).await?;
            rows.iter().map(edition_from_row).collect()
        })
    }

    /// One published edition.
    pub async fn report_edition(&self, id: i64) -> Result<Option<EditionRecord>> {
        let sql = format!("SELECT {EDITION_COLUMNS} FROM report_editions WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(edition_from_row).transpose()
        })
    }

    /// One file of a published edition (`None` when the edition or the uploaded file is absent).
    pub async fn report_edition_file(&self, id: i64, file: EditionFile) -> Result<Option<Vec<u8>>> {
        let column = match file {
            EditionFile::Html => "html",
            EditionFile::Docx => "docx",
            EditionFile::Final => "final_file",
            EditionFile::Figures => {
                let sql = "SELECT figures FROM report_editions WHERE id = $1";
                return on_pool!(self, pool => {
                    let text: Option<String> = sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await?;
                    Ok(text.map(String::into_bytes))
                });
            }
        };
        let sql = format!("SELECT {column} AS f FROM report_editions WHERE id = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            match row {
                None => Ok(None),
                Some(r) => {
                    use sqlx::Row as _;
                    let bytes: Option<Vec<u8>> = r.try_get("f")?;
                    Ok(bytes)
                }
            }
        })
    }
}
