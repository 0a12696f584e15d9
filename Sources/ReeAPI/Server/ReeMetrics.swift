import Metrics
import Prometheus

/// The process-wide metrics registry behind `GET /metrics`. swift-metrics can be bootstrapped
/// once per process, so the first use does it and every server in the process shares the registry.
public enum ReeMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Makes sure metrics recorded from now on reach `registry`.
    public static func bootstrap() { _ = registry }

    /// The Prometheus text exposition of everything recorded.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
