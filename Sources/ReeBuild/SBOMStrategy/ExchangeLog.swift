import ReeRecorder
import Synchronization

/// What the pass-through proxy reports, kept per Dockerfile line of the RUN step that asked.
final class ExchangeLog: Sendable {
    private let exchanges = Mutex<[ObservedExchange]>([])

    /// The proxy's observer.
    var observer: @Sendable (ObservedExchange) -> Void {
        { [self] exchange in exchanges.withLock { $0.append(exchange) } }
    }

    var count: Int { exchanges.withLock { $0.count } }

    /// By Dockerfile line: the builder names steps "step N, line L".
    var byLine: [Int: [ObservedExchange]] {
        exchanges.withLock { all in
            Dictionary(grouping: all.compactMap { e in Self.line(ofStep: e.step).map { ($0, e) } }, by: \.0).mapValues { $0.map(\.1) }
        }
    }

    static func line(ofStep step: String?) -> Int? {
        guard let step, let range = step.range(of: "line ", options: .backwards) else { return nil }
        return Int(step[range.upperBound...].prefix(while: \.isNumber))
    }
}
