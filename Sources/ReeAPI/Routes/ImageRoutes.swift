import Hummingbird
import ReeOCI
import ReeOS

/// The base image routes: list and download (an OCI/Docker archive, streamed while it is written).
struct ImageRoutes {
    let store: ImageStore

    func register(on router: Router<ReeRequestContext>) {
        router.get("/api/image/list") { _, _ in
            let entries = try store.images().map {
                ImageListEntry(name: $0.name.rawValue, downloadEndpoint: "/api/image/download/\($0.name.rawValue)")
            }
            return APIJSON.response(entries)
        }
        // Image names may hold '/' (`team/app:1.0`), so the name is the rest of the path.
        router.get("/api/image/download/**") { _, context in
            let name = context.parameters.getCatchAll().joined(separator: "/")
            guard let image = try? store.resolve(name) else {
                throw ReeError(.notFound, "image '\(name.prefix(200))' not found")
            }
            context.streamsBody = true
            let fileName = image.name.rawValue.map { $0 == "/" || $0 == ":" ? "_" : $0 }
            return Response(status: .ok, headers: [
                .contentType: "application/x-tar",
                .contentDisposition: "attachment; filename=\"\(String(fileName)).tar\"",
            ], body: try ExportPipe.response(store: store, name: image.name.rawValue))
        }
    }
}
