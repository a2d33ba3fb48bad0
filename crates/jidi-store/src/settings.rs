//! Settings: small named documents such as the rule table in force, changed with an audit entry.

use chrono::Utc;

use crate::error::Result;
use crate::roll::INSERT_AUDIT;
use crate::store::{Store, on_pool};

impl Store {
    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?)
        })
    }

    /// Stores a setting.
    pub async fn set_setting(&self, key: &str, value: &str, actor: Option<i64>) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key).bind(value).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("set").bind("setting").bind(key).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
