#if canImport(Glibc)
import Glibc
#endif

/// libarchive converts names through the thread's locale, and under the C locale it crashes on
/// non-ASCII pax names (3.6.2). Runs `body` with this thread set to C.UTF-8, leaving the
/// process-wide locale alone (`setlocale` is not thread-safe).
public func withUTF8Locale<R>(_ body: () throws -> R) rethrows -> R {
    guard let locale = utf8Locale.locale else { return try body() }
    let previous = uselocale(locale)
    defer { uselocale(previous) }
    return try body()
}

private struct LocaleHandle: @unchecked Sendable {
    let locale: locale_t?
}

private let utf8Locale = LocaleHandle(locale: newlocale(LC_CTYPE_MASK, "C.UTF-8", nil))
