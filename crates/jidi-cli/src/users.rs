//! `jidi user …`: accounts.

use std::io::BufRead;

use anyhow::{Context, bail};
use clap::Subcommand;
use jidi_domain::access::Role;
use jidi_store::NewUser;

use crate::DbArgs;

/// User commands.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user (the first ministry account, for example). The password is read from standard
    /// input (first line) or from JIDI_PASSWORD.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// ministry | province | base | evaluator.
        #[arg(long)]
        role: String,
        /// Name shown in the interface.
        #[arg(long)]
        display_name: Option<String>,
        /// Province scope (province users), a GB/T 2260 code such as 420000.
        #[arg(long)]
        province: Option<String>,
        /// Base scope (base users), the base id.
        #[arg(long)]
        base: Option<i64>,
    },
    /// List users.
    List,
    /// Set a user's password (read like `add`); their sessions end.
    Passwd {
        /// Login name.
        username: String,
    },
    /// Disable a user; their sessions end.
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a user again.
    Enable {
        /// Login name.
        username: String,
    },
}

fn read_password() -> anyhow::Result<String> {
    let password = match std::env::var("JIDI_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    if let Err(rule) = jidi_domain::access::check_new_password(&password) {
        bail!("{rule}");
    }
    Ok(password)
}

/// Runs a user command.
pub async fn run(db: &DbArgs, command: UserCommand) -> anyhow::Result<()> {
    let store = db.open().await?;
    match command {
        UserCommand::Add {
            username,
            role,
            display_name,
            province,
            base,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role {role:?} must be ministry, province, base or evaluator")
            })?;
            if let Err(rule) = jidi_domain::access::check_username(&username) {
                bail!("--username {username:?}: {rule}");
            }
            if role == Role::Province {
                let p = province
                    .as_deref()
                    .ok_or_else(|| anyhow::anyhow!("a province user needs --province CODE"))?;
                if jidi_domain::reference::Regions::get().province(p).is_none() {
                    bail!("--province {p:?} is not a GB/T 2260 province code");
                }
            }
            if role == Role::Base {
                let b = base.ok_or_else(|| anyhow::anyhow!("a base user needs --base ID"))?;
                if store.base(b).await?.is_none() {
                    bail!("--base {b}: no such base");
                }
            }
            let password = read_password()?;
            let hash = jidi_service::passwords::hash_blocking(password).await?;
            let id = store
                .create_user(
                    &NewUser {
                        display_name: display_name.unwrap_or_else(|| username.clone()),
                        username: username.clone(),
                        password_hash: hash,
                        role,
                        province_code: province.filter(|_| role == Role::Province),
                        base_id: base.filter(|_| role == Role::Base),
                    },
                    None,
                )
                .await?;
            println!("user {username} created (id {id}, role {})", role.code());
        }
        UserCommand::List => {
            println!("username\trole\tscope\tactive\tdisplay name");
            for u in store.users().await? {
                let scope = u
                    .province_code
                    .clone()
                    .or(u.base_id.map(|b| format!("base {b}")))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.role.code(),
                    scope,
                    u.active,
                    u.display_name
                );
            }
        }
        UserCommand::Passwd { username } => {
            let password = read_password()?;
            let hash = jidi_service::passwords::hash_blocking(password).await?;
            store.set_password(&username, &hash, None).await?;
            println!("password of {username} changed; their sessions ended");
        }
        UserCommand::Disable { username } => {
            store.set_user_active(&username, false, None).await?;
            println!("{username} disabled");
        }
        UserCommand::Enable { username } => {
            store.set_user_active(&username, true, None).await?;
            println!("{username} enabled");
        }
    }
    Ok(())
}
