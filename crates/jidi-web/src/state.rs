//! Shared state of the server and its configuration.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use jidi_domain::reference::Category;
use jidi_monitor::carbon::factors::EmissionFactors;
use jidi_store::Store;
use minijinja::Environment;

use crate::templates;

/// Server settings (built in code by tests, from flags by the CLI).
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Reverse proxies in front of the server that append to `X-Forwarded-For` (0: none, the
    /// header is ignored). The client address is the entry this many places from the right: the
    /// one the outermost trusted proxy saw, which a client cannot forge.
    pub proxy_hops: usize,
    /// An approved standard map (GeoJSON) supplied by the operator; without one, the dashboard shows
    /// a province grid and ranked bars instead of a map.
    pub map_file: Option<PathBuf>,
    /// The emission factors of the green view: the shipped defaults, or the operator's file
    /// (`jidi serve --emission-factors`) over them.
    pub emission_factors: EmissionFactors,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            secure_cookies: false,
            session_hours: 8,
            proxy_hops: 0,
            map_file: None,
            emission_factors: EmissionFactors::shipped(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// Page templates.
    pub templates: Arc<Environment<'static>>,
    /// An Argon2id hash to verify against for unknown usernames (equal timing).
    pub dummy_hash: Arc<String>,
    /// Categories, cached (they change only through [`AppState::reload_categories`]).
    categories: Arc<RwLock<Arc<Vec<Category>>>>,
    /// Whether the database holds the synthetic demo (pages then say so).
    pub demo: bool,
    /// Monitoring and warning reads, kept per data generation.
    pub reads: Arc<crate::reads::cache::ReadCache>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] jidi_store::StoreError),
    /// The timing-equaliser hash could not be made.
    #[error(transparent)]
    Password(#[from] jidi_service::passwords::PasswordError),
    /// The address cannot be listened on.
    #[error("cannot listen on {address}")]
    Listen {
        /// The address.
        address: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("serving failed")]
    Serve(#[source] std::io::Error),
}

impl AppState {
    /// Builds the state over a migrated store.
    pub async fn new(store: Store, config: WebConfig) -> Result<AppState, StartError> {
        let categories = store.categories().await?;
        let demo = store.is_demo().await?;
        let dummy_hash =
            jidi_service::passwords::hash_blocking("jidi-dummy-password".into()).await?;
        Ok(AppState {
            store,
            config: Arc::new(config),
            templates: Arc::new(templates::environment()),
            dummy_hash: Arc::new(dummy_hash),
            categories: Arc::new(RwLock::new(Arc::new(categories))),
            demo,
            reads: Arc::default(),
        })
    }

    /// The cached categories.
    pub fn categories(&self) -> Arc<Vec<Category>> {
        self.categories.read().expect("category cache lock").clone()
    }

    /// Reloads the category cache after a change.
    pub async fn reload_categories(&self) -> Result<(), jidi_store::StoreError> {
        let fresh = self.store.categories().await?;
        *self.categories.write().expect("category cache lock") = Arc::new(fresh);
        Ok(())
    }

    /// The name of a category or sub-type code in `lang`.
    pub fn category_name(&self, code: &str, lang: crate::i18n::Lang) -> String {
        self.categories()
            .iter()
            .find(|c| c.code == code)
            .map(|c| lang.pick(&c.name_zh, &c.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    }
}
