import Testing

/// Every suite of this target, one test at a time: each test starts servers (in process or the
/// binary) and children (curl, httpie, Python providers), and running dozens of them at once on a
/// 2-core machine made requests stall now and then.
@Suite("REST API", .serialized)
enum APITests {}
