import Foundation
import Hummingbird
import ReeOS
import ReeService
#if canImport(Glibc)
import Glibc
#endif

/// The recording, SBOM and process routes of the API document. They decode, call `ProcessService`
/// and encode; every decision is the service's.
struct ProcessRoutes {
    let service: ProcessService

    func register(on router: Router<ReeRequestContext>) {
        router.post("/api/recording/create") { request, context in
            try await create(.recordingDefine, request, context)
        }
        router.post("/api/recording/build") { request, context in
            try await create(.recordingBuild, request, context)
        }
        // The API document's example for recording/build uses this older name.
        router.post("/api/replay/create") { request, context in
            try await create(.recordingBuild, request, context)
        }
        router.post("/api/sbom/define") { request, context in
            try await create(.sbomDefine, request, context)
        }
        router.get("/api/process/status/:uuid") { _, context in
            let record = try service.record(try processID(context), owner: try context.requireUser())
            return APIJSON.response(json: ProcessStatusResponse(record).json)
        }
        router.get("/api/process/log/:uuid") { request, context in
            try log(request, context)
        }
        // The status response's `download_log_endpoint` points here.
        router.get("/api/log/download/:uuid") { request, context in
            try log(request, context)
        }
        router.get("/api/process/download/:uuid") { _, context in
            let id = try processID(context)
            let path = try service.outputFile(id, owner: try context.requireUser())
            context.streamsBody = true
            return Response(status: .ok, headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"\(id).zip\"",
            ], body: try FileResponse.body(path: path))
        }
    }

    private func processID(_ context: ReeRequestContext) throws -> ProcessID {
        try ProcessID(context.parameters.get("uuid") ?? "")
    }

    private func create(_ kind: ProcessKind, _ request: Request, _ context: ReeRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let upload = try await UploadReceiver.receive(request, uploadsDirectory: service.uploadsDirectory,
                                                      maxFileBytes: service.configuration.maxUploadBytes)
        guard let path = upload.filePath else {
            throw ReeError(.invalidInput, "the form field 'file' is missing: send the ZIP as file=@path")
        }
        defer { unlink(path) } // moved into the process's folder on success; removed otherwise
        guard upload.fileBytes > 0 else { throw ReeError(.invalidInput, "the uploaded file is empty") }
        let record = try await service.create(kind: kind, tag: upload.fields["tag"],
                                              dockerfile: kind == .recordingDefine ? upload.fields["dockerfile"] : nil,
                                              owner: user, uploadPath: path)
        return APIJSON.response(json: ProcessCreatedResponse(record).json)
    }

    private func log(_ request: Request, _ context: ReeRequestContext) throws -> Response {
        let id = try processID(context)
        let user = try context.requireUser()
        let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        let follow = request.uri.queryParameters.get("follow").map { ["true", "1", "yes"].contains($0.lowercased()) } ?? false
        context.streamsBody = true
        if follow {
            return Response(status: .ok, headers: headers, body: FileResponse.body(stream: try service.followLog(id, owner: user)))
        }
        return Response(status: .ok, headers: headers, body: try FileResponse.body(path: try service.logFile(id, owner: user)))
    }
}
