/// `HEALTHCHECK NONE` or `HEALTHCHECK [options] CMD command`.
public enum Healthcheck: Sendable, Equatable {
    /// Disable any health check inherited from the base image.
    case none
    /// Run `command` to check the container's health.
    case check(HealthcheckConfiguration)
}
