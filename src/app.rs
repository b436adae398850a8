//! The application: shared state, and the server with every surface mounted.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::accounts::LoginThrottle;
use crate::accounts::wechat::WechatClient;
use crate::config::Config;
use crate::db::{Db, Exclusive, IfHeld};
use crate::error::AppError;
use crate::http::metrics::Metrics;
use crate::kernel::clock::{SharedClock, SystemClock};
use crate::kernel::gate::WorkGate;
use crate::kernel::media::{Blobs, MediaLimits, MediaLinks, MediaStore, UploadQuota};
use crate::kernel::rate_limit::RateLimiter;
use crate::kernel::settings::{self, AssociationSettings};
use crate::kernel::shared_limit::Limiter;
use crate::notify::Providers;

/// How long the association settings are reused without a write of this process.
const SETTINGS_FRESH: Duration = Duration::from_secs(5);

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    /// Validated configuration (secrets filled in).
    pub config: Arc<Config>,
    /// The database.
    pub db: Db,
    /// The clock.
    pub clock: SharedClock,
    /// Uploaded files.
    pub media: MediaStore,
    /// Public links to files (`state.media_links.urls(file_id)`).
    pub media_links: MediaLinks,
    /// Failed staff sign-ins.
    pub throttle: LoginThrottle,
    /// Prometheus instruments.
    pub metrics: Metrics,
    /// WeChat's API.
    pub wechat: WechatClient,
    /// SMS code requests per client address (shared by every instance on PostgreSQL).
    pub sms_ip_limiter: Limiter,
    /// Marketplace contact reveals per user.
    pub contact_limiter: RateLimiter,
    /// Recently checked bearer tokens.
    pub tokens: crate::accounts::tokens::TokenCache,
    /// WeChat Pay, or the gateway that says it is not configured.
    pub payments: crate::billing::wechat_pay::SharedGateway,
    /// The mini-program home's answers per audience.
    pub home_cache: crate::content::home::HomeCache,
    /// Article list pages per audience and filter.
    pub article_cache: crate::content::reading::ListCache,
    /// Cards: today's counted viewers, resolved cards and rendered share images.
    pub cards: Arc<crate::profiles::card_cache::CardCaches>,
    /// The workbench home's statistics block (60 s).
    pub home_stats: crate::workbench::stats::StatsCache,
    /// The association settings as last read, with the [`Db::generation`] they were
    /// read at (every page and card needs them; they change only through writes).
    /// Kept at most [`SETTINGS_FRESH`], for writes by other processes.
    settings_cache: parking_lot::Mutex<Option<(u64, std::time::Instant, AssociationSettings)>>,
}

impl AppState {
    /// Payment options from the configuration.
    pub fn pay_options(&self) -> crate::billing::pay::PayOptions {
        crate::billing::pay::PayOptions {
            out_trade_no_prefix: self.config.wechat_pay.out_trade_no_prefix.clone(),
            prepay_minutes: self.config.wechat_pay.prepay_minutes,
        }
    }

    /// What the background billing passes need.
    pub fn pass_context(&self) -> crate::billing::passes::PassContext {
        crate::billing::passes::PassContext {
            db: self.db.clone(),
            clock: self.clock.clone(),
            gateway: self.payments.clone(),
            association: self.config.association.clone(),
        }
    }
}

impl AppState {
    /// The association settings, with configured defaults.
    pub async fn association_settings(&self) -> Result<AssociationSettings, AppError> {
        let generation = self.db.generation();
        if let Some((g, read_at, cached)) = &*self.settings_cache.lock()
            && *g == generation
            && read_at.elapsed() < SETTINGS_FRESH
        {
            return Ok(cached.clone());
        }
        let defaults = self.config.association.clone();
        let loaded = self.db.run(move |conn| settings::load(conn, &defaults)).await?;
        *self.settings_cache.lock() = Some((generation, std::time::Instant::now(), loaded.clone()));
        Ok(loaded)
    }
}

/// Outside services and the clock, replaceable by tests.
#[derive(Debug, Clone)]
pub struct Dependencies {
    /// The clock.
    pub clock: SharedClock,
    /// Message senders.
    pub providers: Providers,
    /// How often the outbox worker looks for due messages; `None` runs no worker
    /// (tests deliver explicitly with `notify::deliver_due`).
    pub outbox_interval: Option<Duration>,
    /// How often the billing pass (payment sweep, dues expiry and reminders) runs;
    /// `None` runs none (tests call `billing::passes::run_once`).
    pub billing_interval: Option<Duration>,
}

impl Default for Dependencies {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            providers: Providers::default(),
            outbox_interval: Some(Duration::from_secs(2)),
            billing_interval: Some(Duration::from_secs(60)),
        }
    }
}

/// A built server, not yet running.
pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
}

impl Application {
    /// Prepares the data directory, opens and migrates the database, binds the
    /// listener and starts the outbox worker.
    pub async fn build(mut config: Config, deps: Dependencies) -> anyhow::Result<Self> {
        config.validate()?;
        config.prepare_data_dir()?;
        let db =
            Db::connect(&config.db_url().map_err(anyhow::Error::msg)?, config.server.pool_size)?;
        let migrate_db = db.clone();
        let applied = tokio::task::spawn_blocking(move || migrate_db.migrate()).await??;
        if applied > 0 {
            tracing::info!(applied, "database migrated");
        }
        // Instances started together on one PostgreSQL database do this one at a time.
        let (kinds, started) = (config.notices.kinds.clone(), deps.clock.now_naive());
        let startup = db.exclusively(Exclusive::Startup, IfHeld::Wait, || async {
            db.write(move |conn| crate::notices::catalog::store_file_layer(conn, started, &kinds))
                .await?;
            db.write(crate::membership::index_unindexed_members).await
        });
        let indexed = startup.await?.unwrap_or(0);
        if indexed > 0 {
            tracing::info!(indexed, "members indexed for search");
        }
        if config.environment == crate::config::Environment::Production {
            let check = config.clone();
            let missing = db
                .run(move |conn| crate::notify::check::kinds_without_channel(conn, &check))
                .await?;
            if let Some(message) = crate::notify::check::refuse_message(&missing) {
                anyhow::bail!(message);
            }
        }
        let listener = TcpListener::bind(&config.bind)?;
        let port = listener.local_addr()?.port();
        let gate = WorkGate::new(config.limits.work_memory_mb, config.limits.uploads_in_flight);
        let blobs = Blobs::from_config(&config.media.storage, config.data_dir.join("files"))?;
        let media = MediaStore::new(
            blobs,
            MediaLimits {
                max_bytes: config.media.max_upload_bytes,
                max_pixels: config.media.max_image_pixels,
                thumbnail_px: config.media.thumbnail_px,
            },
            gate,
            UploadQuota {
                files: config.limits.daily_upload_files,
                bytes: config.limits.daily_upload_bytes,
            },
        );
        let wechat = WechatClient::new(&config.wechat)?;
        let payments = crate::billing::wechat_pay::from_config(&config)?;
        let media_links = MediaLinks::new(config.hmac_key());
        let contact_reveals = config.limits.daily_contact_reveals;
        let state = web::Data::new(AppState {
            media_links,
            config: Arc::new(config),
            db: db.clone(),
            clock: deps.clock.clone(),
            media,
            throttle: LoginThrottle::for_db(&db),
            metrics: Metrics::new()?,
            wechat,
            tokens: crate::accounts::tokens::TokenCache::for_backend(db.backend()),
            payments,
            home_cache: crate::content::home::HomeCache::default(),
            article_cache: crate::content::reading::ListCache::default(),
            sms_ip_limiter: Limiter::for_db(
                &db,
                "sms_address",
                crate::accounts::sms::MAX_PER_IP_HOUR,
                chrono::Duration::hours(1),
            ),
            contact_limiter: RateLimiter::new(contact_reveals, chrono::Duration::hours(24)),
            cards: Arc::default(),
            home_stats: crate::workbench::stats::StatsCache::default(),
            settings_cache: parking_lot::Mutex::new(None),
        });
        if let Some(every) = deps.billing_interval {
            tokio::spawn(crate::billing::passes::run_worker(state.pass_context(), every));
        }
        if let Some(every) = deps.outbox_interval {
            tokio::spawn(crate::notify::run_worker(db, deps.clock, deps.providers, every));
        }
        let server = build_server(listener, state.clone())?;
        Ok(Self { server, port, state })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use its database and clock).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn build_server(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let workers = match state.config.server.workers {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let server = HttpServer::new(move || {
        let config = &state.config;
        App::new()
            .app_data(state.clone())
            .route("/healthz", web::get().to(crate::http::ops::show_health))
            .route("/metrics", web::get().to(crate::http::metrics::show_metrics))
            .route("/static/{path:.*}", web::get().to(crate::http::assets::show_asset))
            .service(crate::api::scope(config.server.max_body_bytes))
            .service(crate::web::scope(config.clone()))
            .configure(crate::public::configure)
            .default_service(web::to(crate::web::error::not_found))
            .wrap(Compress::default())
            .wrap(from_fn(crate::http::metrics::record))
            .wrap(from_fn(crate::http::middleware::finish_response))
            .wrap(TracingLogger::default())
    })
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}
