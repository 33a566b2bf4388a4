//! Logs and traces: the one place the `tracing` subscriber is put together.
//!
//! - Logs go to stderr, as compact text or one JSON object per line
//!   (`LAUREL_LOG_FORMAT`), filtered by `RUST_LOG` (default `info`).
//! - Exported spans are those at `info` and above, whatever `RUST_LOG` says.
//! - When `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the same spans (one per
//!   request with its `request_id`, one per job) are also exported over OTLP
//!   (HTTP, protobuf) by the OpenTelemetry SDK's batch processor. The SDK
//!   reads its standard variables itself: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
//!   `OTEL_EXPORTER_OTLP_HEADERS` (a collector's token),
//!   `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_SERVICE_NAME` (default `laurel`),
//!   `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_BSP_*`. Unset, no exporter exists and
//!   nothing is sent anywhere.
//! - Every request's SQL statements are counted (`queries.rs`).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

use crate::config::LogFormat;

/// The variable that turns the export on (the OpenTelemetry standard name).
pub const OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// Keeps the exporter alive; [`Telemetry::shutdown`] sends what is still
/// queued before the process exits.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Flushes and stops the span exporter, if there is one. Blocking: call
    /// it outside the async runtime.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            if let Err(e) = provider.shutdown() {
                eprintln!("laurel: the OpenTelemetry exporter did not shut down cleanly: {e}");
            }
        }
    }
}

/// Installs the global subscriber. Must run before the Tokio runtime starts
/// (the blocking HTTP client of the exporter refuses to be built inside it).
pub fn init(format: LogFormat) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = fmt::layer().with_writer(std::io::stderr);
    let logs = match format {
        LogFormat::Text => logs.compact().with_filter(filter).boxed(),
        LogFormat::Json => logs.json().flatten_event(true).with_filter(filter).boxed(),
    };
    let (provider, problem) = match std::env::var(OTLP_ENDPOINT) {
        Ok(endpoint) if !endpoint.trim().is_empty() => match otlp_provider() {
            Ok(provider) => (Some(provider), None),
            Err(e) => (None, Some(format!("{OTLP_ENDPOINT}={endpoint}: {e}"))),
        },
        _ => (None, None),
    };
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("laurel"))
            // Spans keep their own level: a quiet log (`RUST_LOG=warn`)
            // does not silence the traces an operator asked for.
            .with_filter(LevelFilter::INFO)
            .boxed()
    });
    tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .with(crate::queries::QueryTally.with_filter(crate::queries::QueryTally::filter()))
        .init();
    if let Some(problem) = problem {
        // Traces are an aid, not a duty: a bad endpoint is reported and the
        // server runs without them.
        tracing::warn!("traces are not exported: {problem}");
    } else if provider.is_some() {
        tracing::info!("traces are exported over OTLP");
    }
    Telemetry { provider }
}

fn otlp_provider() -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()?;
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("laurel");
    }
    let resource = resource
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
