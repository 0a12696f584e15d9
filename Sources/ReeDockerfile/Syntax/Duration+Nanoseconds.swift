extension Duration {
    /// The duration in whole nanoseconds, as the OCI image config stores health check times.
    public var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
            &+ attoseconds / 1_000_000_000
    }
}
