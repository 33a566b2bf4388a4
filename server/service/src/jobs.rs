//! The job worker: polls the durable queue ([`laurel_store::Job`]) and runs
//! each claimed job with the handler registered for its queue.
//!
//! One job at a time per worker; every `laurel serve` runs one worker, and
//! any number of them may share a PostgreSQL database (each job is claimed by
//! one of them). A handler's `Err(text)` — or a panic, or running past
//! [`WorkerConfig::handler_timeout`] — is a failed attempt: the job is tried
//! again after an exponential backoff with jitter, and given up after its
//! `max_attempts`.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use laurel_store::{backoff, Job, Store, StoreError};

/// What a handler returns: `Err` with a sentence for the job's `last_error`.
pub type HandlerResult = Result<(), String>;
type BoxFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send>>;
type Handler = Arc<dyn Fn(serde_json::Value) -> BoxFuture + Send + Sync>;

/// The handler of each queue the worker serves.
#[derive(Clone, Default)]
pub struct Handlers {
    by_queue: BTreeMap<String, (Handler, Option<Duration>)>,
}

impl Handlers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` (an async function of the job's payload) for `queue`.
    pub fn on<F, Fut>(mut self, queue: &str, handler: F) -> Self
    where
        F: Fn(serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |payload| Box::pin(handler(payload)));
        self.by_queue.insert(queue.to_owned(), (handler, None));
        self
    }

    /// Like [`Handlers::on`], with this queue's own lease instead of
    /// [`WorkerConfig::lease`]: a short lease lets a long piece of work (done
    /// in short jobs) resume soon after its worker died.
    pub fn on_with_lease<F, Fut>(mut self, queue: &str, lease: Duration, handler: F) -> Self
    where
        F: Fn(serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self = self.on(queue, handler);
        if let Some(entry) = self.by_queue.get_mut(queue) {
            entry.1 = Some(lease);
        }
        self
    }

    /// The queues served, in name order.
    pub fn queues(&self) -> impl Iterator<Item = &str> {
        self.by_queue.keys().map(String::as_str)
    }

    fn get(&self, queue: &str) -> Option<&Handler> {
        self.by_queue.get(queue).map(|(h, _)| h)
    }

    /// The lease of `queue`'s jobs.
    fn lease(&self, queue: &str, config: &WorkerConfig) -> Duration {
        self.by_queue
            .get(queue)
            .and_then(|(_, lease)| *lease)
            .unwrap_or(config.lease)
    }
}

/// How a worker polls, leases and retries.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Written into `locked_by`: unique per process.
    pub worker_id: String,
    /// How long a claimed job stays ours; after that another worker may take
    /// it (we are presumed dead).
    pub lease: Duration,
    /// Pause between polls when no queue had work.
    pub idle_sleep: Duration,
    /// First retry after about this long (`base × 2^(attempts−1)`, jittered).
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// On shutdown, how long the job in hand may still take before it is
    /// stopped and given back to the queue.
    pub shutdown_grace: Duration,
    /// Finished jobs are deleted this long after they finished.
    pub keep_finished: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            worker_id: new_worker_id(),
            lease: Duration::from_secs(5 * 60),
            idle_sleep: Duration::from_secs(1),
            backoff_base: Duration::from_secs(10),
            backoff_cap: Duration::from_secs(60 * 60),
            shutdown_grace: Duration::from_secs(10),
            keep_finished: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

impl WorkerConfig {
    /// A handler is stopped after this long, well inside its lease, so no
    /// other worker takes the job over while it still runs.
    pub fn handler_timeout(&self) -> Duration {
        timeout_within(self.lease)
    }

    fn retry_delay(&self, attempts: i32) -> Duration {
        backoff(attempts, self.backoff_base, self.backoff_cap, random_unit())
    }
}

/// A handler holding a lease of `lease` is stopped after this long.
fn timeout_within(lease: Duration) -> Duration {
    lease.mul_f64(0.8)
}

/// `host:pid:random`, unique across processes and restarts.
pub fn new_worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "laurel".to_owned());
    let mut random = [0u8; 4];
    let _ = aws_lc_rs::rand::fill(&mut random);
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        u32::from_be_bytes(random)
    )
}

/// A random number in `[0, 1)`.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 4];
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_be_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

/// How often an idle worker looks for jobs whose every attempt's worker died.
const ABANDONED_CHECK_EVERY: Duration = Duration::from_secs(60);
/// How often an idle worker deletes old finished jobs.
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Runs jobs until `shutdown` resolves. On shutdown the job in hand gets
/// [`WorkerConfig::shutdown_grace`] to finish; if it does not, it is stopped
/// and released (due again at once, the attempt not counted).
pub async fn run_worker(
    store: Store,
    handlers: Handlers,
    config: WorkerConfig,
    shutdown: impl Future<Output = ()> + Send,
) {
    let signal = std::pin::pin!(shutdown);
    let mut shutdown = Shutdown {
        signal,
        requested: false,
    };
    let queues: Vec<String> = handlers.queues().map(str::to_owned).collect();
    tracing::info!(worker = %config.worker_id, ?queues, "job worker started");
    let mut last_abandoned_check: Option<Instant> = None;
    let mut last_purge: Option<Instant> = None;
    'poll: while !shutdown.requested {
        let mut found = false;
        for queue in &queues {
            if shutdown.poll_now().await {
                break 'poll;
            }
            let lease = handlers.lease(queue, &config);
            let job = match store.claim(queue, &config.worker_id, lease).await {
                Ok(Some(job)) => job,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(%queue, error = %e, "could not poll the job queue");
                    continue;
                }
            };
            found = true;
            let Some(handler) = handlers.get(queue) else {
                continue;
            };
            run_claimed(&store, handler, &config, lease, job, Some(&mut shutdown)).await;
        }
        if found {
            continue;
        }
        // Idle: housekeeping, now and then.
        if last_abandoned_check.is_none_or(|t| t.elapsed() >= ABANDONED_CHECK_EVERY) {
            last_abandoned_check = Some(Instant::now());
            for queue in &queues {
                give_up_abandoned(&store, queue).await;
            }
        }
        if last_purge.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
            last_purge = Some(Instant::now());
            purge_finished(&store, &config).await;
        }
        shutdown.sleep(config.idle_sleep).await;
    }
    tracing::info!(worker = %config.worker_id, "job worker stopped");
}

/// Runs every job that is due now, each at most once, then returns how many
/// ran (successfully or not). For tests and one-shot commands.
pub async fn run_pending_once(
    store: &Store,
    handlers: &Handlers,
    config: &WorkerConfig,
) -> Result<usize, StoreError> {
    let mut seen = HashSet::new();
    for queue in handlers.queues() {
        let Some(handler) = handlers.get(queue) else {
            continue;
        };
        let lease = handlers.lease(queue, config);
        while let Some(job) = store.claim(queue, &config.worker_id, lease).await? {
            if !seen.insert(job.id) {
                // Failed in this pass and already due again (zero backoff).
                store.release(job.id, &config.worker_id).await?;
                break;
            }
            run_claimed(store, handler, config, lease, job, None).await;
        }
    }
    Ok(seen.len())
}

/// The shutdown future, polled until it first resolves and never after.
struct Shutdown<'a> {
    signal: Pin<&'a mut (dyn Future<Output = ()> + Send)>,
    requested: bool,
}

impl Shutdown<'_> {
    /// True once shutdown was requested (checks without waiting).
    async fn poll_now(&mut self) -> bool {
        if !self.requested {
            tokio::select! {
                biased;
                () = self.signal.as_mut() => self.requested = true,
                () = std::future::ready(()) => {}
            }
        }
        self.requested
    }

    /// Sleeps, waking early on shutdown.
    async fn sleep(&mut self, duration: Duration) {
        if !self.requested {
            tokio::select! {
                () = self.signal.as_mut() => self.requested = true,
                () = tokio::time::sleep(duration) => {}
            }
        }
    }

    /// Waits for `task`; on shutdown gives it `grace` more. `None` when it
    /// had to be stopped.
    async fn wait<T>(
        &mut self,
        task: &mut tokio::task::JoinHandle<T>,
        grace: Duration,
    ) -> Option<Result<T, tokio::task::JoinError>> {
        if !self.requested {
            tokio::select! {
                result = &mut *task => return Some(result),
                () = self.signal.as_mut() => self.requested = true,
            }
        }
        match tokio::time::timeout(grace, &mut *task).await {
            Ok(result) => Some(result),
            Err(_) => {
                task.abort();
                None
            }
        }
    }
}

/// Runs one claimed job and records the outcome.
async fn run_claimed(
    store: &Store,
    handler: &Handler,
    config: &WorkerConfig,
    lease: Duration,
    job: Job,
    shutdown: Option<&mut Shutdown<'_>>,
) {
    let started = Instant::now();
    tracing::debug!(job = job.id, queue = %job.queue, attempt = job.attempts, "job claimed");
    let outcome = match job.payload_json() {
        Err(e) => Err(format!("the payload is not JSON: {e}")),
        Ok(payload) => {
            use tracing::Instrument as _;
            let running = handler(payload);
            let timeout = timeout_within(lease);
            // Everything the handler logs carries the job's span.
            let span = tracing::info_span!("job", job = job.id, queue = %job.queue, attempt = job.attempts);
            let mut task = tokio::spawn(tokio::time::timeout(timeout, running).instrument(span));
            let joined = match shutdown {
                Some(shutdown) => shutdown.wait(&mut task, config.shutdown_grace).await,
                None => Some((&mut task).await),
            };
            match joined {
                None => {
                    tracing::warn!(job = job.id, queue = %job.queue, "job interrupted by shutdown; released");
                    if let Err(e) = store.release(job.id, &config.worker_id).await {
                        tracing::warn!(job = job.id, error = %e, "could not release the job; it runs again when its lease ends");
                    }
                    return;
                }
                Some(Ok(Ok(result))) => result,
                Some(Ok(Err(_elapsed))) => Err(format!("did not finish within {timeout:?}")),
                Some(Err(e)) if e.is_panic() => Err("the handler panicked".to_owned()),
                Some(Err(e)) => Err(format!("the handler was stopped: {e}")),
            }
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    metrics::histogram!("laurel_job_duration_seconds", "queue" => job.queue.clone())
        .record(started.elapsed().as_secs_f64());
    if outcome.is_err() {
        // Mail and webhook failures (and every other queue's), by queue.
        metrics::counter!("laurel_job_failures_total", "queue" => job.queue.clone()).increment(1);
    }
    match outcome {
        Ok(()) => match store.complete(job.id, &config.worker_id).await {
            Ok(true) => {
                tracing::info!(job = job.id, queue = %job.queue, attempt = job.attempts, elapsed_ms, "job done")
            }
            Ok(false) => tracing::warn!(
                job = job.id,
                queue = %job.queue,
                "job done, but its lease had been taken over; it may run twice"
            ),
            Err(e) => tracing::error!(
                job = job.id,
                error = %e,
                "job done but not recorded; it will run again when its lease ends"
            ),
        },
        Err(error) => {
            let delay = config.retry_delay(job.attempts);
            let retry_at =
                Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            match store
                .fail(job.id, &config.worker_id, &error, retry_at)
                .await
            {
                Ok(Some(failed)) if failed.failed_at.is_some() => {
                    metrics::counter!("laurel_jobs_given_up_total", "queue" => job.queue.clone())
                        .increment(1);
                    tracing::error!(
                    job = job.id,
                    queue = %job.queue,
                    attempts = failed.attempts,
                    %error,
                    "job failed for good (no attempts left)"
                    )
                }
                Ok(Some(failed)) => tracing::warn!(
                    job = job.id,
                    queue = %job.queue,
                    attempt = failed.attempts,
                    max_attempts = failed.max_attempts,
                    retry_in_ms = delay.as_millis() as u64,
                    %error,
                    "job failed; will retry"
                ),
                Ok(None) => tracing::warn!(
                    job = job.id,
                    %error,
                    "job failed after its lease had been taken over"
                ),
                Err(e) => tracing::error!(
                    job = job.id,
                    %error,
                    store_error = %e,
                    "job failed and the failure could not be recorded; it runs again when its lease ends"
                ),
            }
        }
    }
}

async fn give_up_abandoned(store: &Store, queue: &str) {
    match store.give_up_abandoned_jobs(queue).await {
        Ok(0) => {}
        Ok(n) => tracing::error!(%queue, jobs = n, "gave up jobs whose workers kept dying"),
        Err(e) => tracing::warn!(%queue, error = %e, "could not check for abandoned jobs"),
    }
}

async fn purge_finished(store: &Store, config: &WorkerConfig) {
    let before = Utc::now()
        - chrono::Duration::from_std(config.keep_finished).unwrap_or(chrono::Duration::MAX);
    match store.purge_finished_jobs(before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "deleted old finished jobs"),
        Err(e) => tracing::warn!(error = %e, "could not delete old finished jobs"),
    }
}
