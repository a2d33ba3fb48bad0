//! Users, sessions (stored, so they survive a restart) and login attempts (for throttling).
//! Passwords arrive here already hashed; session tokens arrive already hashed.

use chrono::{DateTime, Utc};
use jidi_domain::access::{Principal, Role};

use crate::error::{Result, StoreError};
use crate::roll::INSERT_AUDIT;
use crate::row::Row;
use crate::store::{Store, on_pool};

/// A user account.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// PHC string of the Argon2id hash.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Province scope.
    pub province_code: Option<String>,
    /// Base scope.
    pub base_id: Option<i64>,
    /// Whether the account may sign in.
    pub active: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The user as seen by access checks.
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            province_code: self.province_code.clone(),
            base_id: self.base_id,
        }
    }
}

/// A user to create.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// PHC string of the Argon2id hash.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Province scope (province role).
    pub province_code: Option<String>,
    /// Base scope (base role).
    pub base_id: Option<i64>,
}

/// A stored session.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRecord {
    /// The signed-in user.
    pub user: User,
    /// Token that forms must echo.
    pub csrf_token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// A login attempt, for throttling.
#[derive(Clone, Debug, PartialEq)]
pub struct LoginAttempt {
    /// `username|address`.
    pub key: String,
    /// Whether it succeeded.
    pub succeeded: bool,
    /// When.
    pub at: DateTime<Utc>,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.province_code, u.base_id, u.active, u.created_at";

fn user_from_row(r: &impl Row) -> Result<User> {
    let role = r.text("role")?;
    Ok(User {
        id: r.int("id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        password_hash: r.text("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::corrupt("role", &role))?,
        province_code: r.opt_text("province_code")?,
        base_id: r.opt_int("base_id")?,
        active: r.boolean("active")?,
        created_at: r.timestamp("created_at")?,
    })
}

impl Store {
    /// Creates a user; the username must be new.
    pub async fn create_user(&self, user: &NewUser, actor: Option<i64>) -> Result<i64> {
        match user.role {
            Role::Province if user.province_code.is_none() => {
                return Err(StoreError::Invalid(
                    "a province user needs a province".into(),
                ));
            }
            Role::Base if user.base_id.is_none() => {
                return Err(StoreError::Invalid("a base user needs a base".into()));
            }
            _ => {}
        }
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO users (username, display_name, password_hash, role, province_code, base_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(user.username.trim()).bind(&user.display_name).bind(&user.password_hash).bind(user.role.code())
                .bind(&user.province_code).bind(user.base_id).bind(true).bind(now)
                .fetch_one(&mut *tx).await
                .map_err(|e| StoreError::from_unique(e, format!("user {:?} already exists", user.username.trim())))?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("create").bind("user").bind(id.to_string())
                .bind(serde_json::json!({"username": user.username, "role": user.role.code()}).to_string())
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The user with this login name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
        on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username.trim()).fetch_optional(pool).await?;
            row.as_ref().map(user_from_row).transpose()
        })
    }

    /// All users, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            rows.iter().map(user_from_row).collect()
        })
    }

    /// Replaces a user's password hash and ends their sessions.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        actor: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id")
                .bind(password_hash).bind(username).fetch_optional(&mut *tx).await?;
            let id = id.ok_or_else(|| StoreError::NotFound { entity: "user", key: username.into() })?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind("set_password").bind("user").bind(id.to_string()).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Enables or disables a user; disabling ends their sessions.
    pub async fn set_user_active(
        &self,
        username: &str,
        active: bool,
        actor: Option<i64>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar("UPDATE users SET active = $1 WHERE username = $2 RETURNING id")
                .bind(active).bind(username).fetch_optional(&mut *tx).await?;
            let id = id.ok_or_else(|| StoreError::NotFound { entity: "user", key: username.into() })?;
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            sqlx::query(INSERT_AUDIT).bind(now).bind(actor).bind(if active { "enable" } else { "disable" })
                .bind("user").bind(id.to_string()).bind("{}")
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Stores a new session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash).bind(user_id).bind(csrf_token).bind(now).bind(expires_at)
                .execute(pool).await?;
        });
        Ok(())
    }

    /// The live session with this token hash, with its (active) user.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = $3"
        );
        on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).bind(true).fetch_optional(pool).await?;
            match row {
                None => Ok(None),
                Some(r) => Ok(Some(SessionRecord {
                    user: user_from_row(&r)?,
                    csrf_token: r.text("csrf_token")?,
                    expires_at: r.timestamp("expires_at")?,
                })),
            }
        })
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Removes expired sessions and old login attempts; returns the sessions removed.
    pub async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        attempts_before: DateTime<Utc>,
    ) -> Result<u64> {
        on_pool!(self, pool => {
            let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?.rows_affected();
            sqlx::query("DELETE FROM login_attempts WHERE attempted_at < $1").bind(attempts_before).execute(pool).await?;
            Ok(n)
        })
    }

    /// Records a login attempt.
    pub async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO login_attempts (attempt_key, succeeded, attempted_at) VALUES ($1, $2, $3)")
                .bind(&attempt.key).bind(attempt.succeeded).bind(attempt.at)
                .execute(pool).await?;
        });
        Ok(())
    }

    /// Reserves a sign-in attempt for each of `keys` before the password is checked: the attempt is
    /// recorded as failed at once, and the answer is the largest number of failures, this one
    /// included, that any key has since `since` (or its last success, if later). Because every
    /// request counts after its own insert, the k-th concurrent attempt sees at least k: of 60
    /// simultaneous attempts at most the allowed number go on to the password check. Returns the
    /// ids of the reserved attempts, to be marked as succeeded when the password is right.
    pub async fn reserve_login_attempt(
        &self,
        keys: &[&str],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<(Vec<i64>, i64)> {
        let mut ids = Vec::with_capacity(keys.len());
        let mut worst = 0;
        for key in keys {
            let (id, failures): (i64, i64) = on_pool!(self, pool => {
                let id: i64 = sqlx::query_scalar("INSERT INTO login_attempts (attempt_key, succeeded, attempted_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(*key).bind(false).bind(at).fetch_one(pool).await?;
                let last_success: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT MAX(attempted_at) FROM login_attempts WHERE attempt_key = $1 AND succeeded = $2")
                    .bind(*key).bind(true).fetch_one(pool).await?;
                let from = match last_success { Some(t) if t > since => t, _ => since };
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts WHERE attempt_key = $1 AND succeeded = $2 AND attempted_at > $3")
                    .bind(*key).bind(false).bind(from).fetch_one(pool).await?;
                (id, n)
            });
            ids.push(id);
            worst = worst.max(failures);
        }
        Ok((ids, worst))
    }

    /// Marks reserved attempts as succeeded (the password was right).
    pub async fn mark_login_succeeded(&self, ids: &[i64]) -> Result<()> {
        for id in ids {
            on_pool!(self, pool => {
                sqlx::query("UPDATE login_attempts SET succeeded = $1 WHERE id = $2")
                    .bind(true).bind(*id).execute(pool).await?;
            });
        }
        Ok(())
    }

    /// Failed attempts for `key` since `since`, counting only those after its last success.
    pub async fn recent_failures(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        on_pool!(self, pool => {
            let last_success: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT MAX(attempted_at) FROM login_attempts WHERE attempt_key = $1 AND succeeded = $2")
                .bind(key).bind(true).fetch_one(pool).await?;
            let from = match last_success { Some(t) if t > since => t, _ => since };
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts WHERE attempt_key = $1 AND succeeded = $2 AND attempted_at > $3")
                .bind(key).bind(false).bind(from).fetch_one(pool).await?;
            Ok(n)
        })
    }
}
