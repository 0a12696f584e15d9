import Foundation
import ReeAPI
import ReeOS
import ReeService
import ReeTestSupport
import ReeServiceTestSupport
import Testing

extension APITests {
    @Suite("Authentication and ownership")
    struct AuthTests {
        static let routes = [
            ("GET", "/api/image/list"), ("GET", "/api/image/download/python_3_11"), ("GET", "/api/openapi.json"), ("GET", "/metrics"),
            ("GET", "/api/process/status/bd4765b4-3ffb-412f-96ad-fc634b72abbd"), ("GET", "/api/process/log/bd4765b4-3ffb-412f-96ad-fc634b72abbd"),
            ("GET", "/api/log/download/bd4765b4-3ffb-412f-96ad-fc634b72abbd"), ("GET", "/api/process/download/bd4765b4-3ffb-412f-96ad-fc634b72abbd"),
            ("POST", "/api/recording/create"), ("POST", "/api/recording/build"), ("POST", "/api/replay/create"), ("POST", "/api/sbom/define"),
            ("GET", "/api/unknown"),
        ]

        @Test("Every route needs credentials: none or wrong ones get 401 with a Basic challenge and a JSON error")
        func everyRouteNeedsCredentials() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            for (method, path) in Self.routes {
                for auth in [HTTP.Credentials.none, .basic("alice", "wrong"), .basic("mallory", "alice-pw"), .bearer("abc")] {
                    let r = try await HTTP.request(method, server.base + path, auth: auth)
                    #expect(r.status == 401, "\(method) \(path) \(auth)")
                    #expect(r.header("WWW-Authenticate") == "Basic realm=\"ree\"")
                    #expect(r.text == #"{"error":"authentication required"}"#)
                }
            }
            #expect(listTree(server.home + "/processes").isEmpty)
        }

        @Test("A process belongs to the user who started it: another user gets 404 for all of it")
        func otherUsersGet404() async throws {
            let server = try await TestServer.start(worker: OutputWorker())
            defer { Task { await server.stop() } }
            let created = try await HTTP.postForm(server.base + "/api/recording/create", fields: [("tag", "mine")], file: try projectZip())
            let uuid = try #require(created.object["uuid"] as? String)
            _ = try await waitForStatus(server, uuid)
            for path in ["/api/process/status/", "/api/process/log/", "/api/log/download/", "/api/process/download/"] {
                #expect(try await HTTP.get(server.base + path + uuid).status == 200)
                let bob = try await HTTP.get(server.base + path + uuid, auth: .basic("bob", "bob-pw"))
                #expect(bob.status == 404, "\(path)")
                #expect(bob.object["error"] as? String == "process '\(uuid)' not found")
            }
            // Images are everyone's.
            #expect(try await HTTP.get(server.base + "/api/image/list", auth: .basic("bob", "bob-pw")).status == 200)
        }

        @Test("A verified credential is cached: repeated requests cost one bcrypt check; a wrong password is checked each time")
        func credentialCache() async throws {
            let authenticator = BasicAuthenticator(users: TestServer.users, cacheTTL: .seconds(60))
            let server = try await TestServer.start(worker: OutputWorker(), authenticator: authenticator)
            defer { Task { await server.stop() } }
            for _ in 0..<5 { #expect(try await HTTP.get(server.base + "/api/image/list").status == 200) }
            #expect(authenticator.bcryptVerifications == 1)
            for _ in 0..<2 { #expect(try await HTTP.get(server.base + "/api/image/list", auth: .basic("alice", "nope")).status == 401) }
            #expect(authenticator.bcryptVerifications == 3)

            let shortLived = BasicAuthenticator(users: TestServer.users, cacheTTL: .milliseconds(1))
            let header = "Basic " + Data("alice:alice-pw".utf8).base64EncodedString()
            #expect(await shortLived.authenticate(authorization: header) == "alice")
            try await Task.sleep(for: .milliseconds(20))
            #expect(await shortLived.authenticate(authorization: header) == "alice")
            #expect(shortLived.bcryptVerifications == 2)
        }

        @Test("htpasswd files from 'htpasswd -B' ($2y$) work; other hash kinds are refused")
        func htpasswdInterop() async throws {
            let htpasswd = try Requirements.tool("htpasswd")
            let dir = try makeTemporaryDirectory(prefix: "ree-htpasswd")
            let file = dir + "/htpasswd"
            try Shell.check([htpasswd, "-B", "-C", "5", "-b", "-c", file, "erin", "s3cret pass"])
            #expect(String(decoding: try FileSystem.readFile(file), as: UTF8.self).hasPrefix("erin:$2y$05$"))
            let authenticator = try BasicAuthenticator(htpasswdPath: file)
            #expect(await authenticator.authenticate(authorization: "Basic " + Data("erin:s3cret pass".utf8).base64EncodedString()) == "erin")
            #expect(await authenticator.authenticate(authorization: "Basic " + Data("erin:wrong".utf8).base64EncodedString()) == nil)
            try Shell.check([htpasswd, "-m", "-b", file, "frank", "md5pass"])
            #expect(throws: ReeError.self) { try BasicAuthenticator(htpasswdPath: file) }
        }

        @Test("Without an htpasswd file, user 'ree' gets a random password once, stored hashed with mode 0600")
        func generatedPassword() async throws {
            let home = try makeTemporaryDirectory(prefix: "ree-home")
            let (path, password) = try BasicAuthenticator.ensureDefaultUser(home: home)
            let generated = try #require(password)
            #expect(generated.count == 24)
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
            #expect(text.hasPrefix("ree:$2b$12$") && !text.contains(generated))
            var st = stat()
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
            let again = try BasicAuthenticator.ensureDefaultUser(home: home)
            #expect(again.generatedPassword == nil)
            let other = try BasicAuthenticator.ensureDefaultUser(home: try makeTemporaryDirectory(prefix: "ree-home"))
            #expect(other.generatedPassword != generated)
            let authenticator = try BasicAuthenticator(htpasswdPath: path)
            #expect(await authenticator.authenticate(authorization: "Basic " + Data("ree:\(generated)".utf8).base64EncodedString()) == "ree")
        }
    }
}

extension APITests {
    @Suite("OIDC bearer tokens")
    struct OIDCTests {
        @Test("Tokens from our own provider: good ones pass, every bad kind gets 401 with a Bearer challenge")
        func forgedProvider() async throws {
            let provider = try await OIDCProvider.forged(audience: "ree-api")
            defer { provider.stop() }
            let authenticator = try OIDCAuthenticator(configuration: .init(issuer: provider.issuer, audience: "ree-api"))
            let server = try await TestServer.start(worker: OutputWorker(), authenticator: authenticator)
            defer { Task { await server.stop() } }

            for (name, user) in [("valid_rs256", "carol"), ("valid_es256", "dave"), ("valid_audience_list", "carol"), ("valid_within_leeway", "carol")] {
                let token = try #require(provider.tokens[name])
                let r = try await HTTP.postForm(server.base + "/api/sbom/define", file: try projectZip(), auth: .bearer(token))
                #expect(r.status == 200, "\(name): \(r.text)")
                let uuid = try #require(r.object["uuid"] as? String)
                #expect(try server.service.record(try ProcessID(uuid), owner: user).owner == user, "\(name)")
            }
            for name in ["expired", "not_yet_valid", "wrong_audience", "wrong_issuer", "no_expiry", "alg_none", "hs256_with_public_key",
                         "other_key_same_kid", "other_key_unknown_kid", "tampered", "rs256_header_es_key", "garbage"] {
                let token = try #require(provider.tokens[name], "\(name)")
                let r = try await HTTP.get(server.base + "/api/image/list", auth: .bearer(token))
                #expect(r.status == 401, "\(name)")
                #expect(r.header("WWW-Authenticate") == "Bearer realm=\"ree\"", "\(name)")
                #expect(r.object["error"] as? String == "authentication required")
            }
            #expect(try await HTTP.get(server.base + "/api/image/list", auth: .basic("alice", "alice-pw")).status == 401)
            #expect(try await HTTP.get(server.base + "/api/image/list", auth: .none).status == 401)
        }

        @Test("Tokens from oidc-provider-mock: its ID token for our audience works and owns its processes; for another audience, 401")
        func mockProvider() async throws {
            let provider = try await OIDCProvider.mock()
            defer { provider.stop() }
            let authenticator = try OIDCAuthenticator(configuration: .init(issuer: provider.issuer, audience: "ree-api"))
            let server = try await TestServer.start(worker: OutputWorker(), authenticator: authenticator)
            defer { Task { await server.stop() } }
            let issuer = provider.issuer
            let alice = try await onThread { try provider.mockIDToken(subject: "alice@example.org", clientID: "ree-api") }
            let bob = try await onThread { try provider.mockIDToken(subject: "bob@example.org", clientID: "ree-api") }
            let other = try await onThread { try provider.mockIDToken(subject: "alice@example.org", clientID: "another-client") }
            _ = issuer
            let created = try await HTTP.postForm(server.base + "/api/recording/create", file: try projectZip(), auth: .bearer(alice))
            #expect(created.status == 200, "\(created.text)")
            let uuid = try #require(created.object["uuid"] as? String)
            #expect(try await HTTP.get(server.base + "/api/process/status/" + uuid, auth: .bearer(alice)).status == 200)
            #expect(try await HTTP.get(server.base + "/api/process/status/" + uuid, auth: .bearer(bob)).status == 404)
            #expect(try await HTTP.get(server.base + "/api/image/list", auth: .bearer(other)).status == 401)
        }

        @Test("Issuers must be https, or http on loopback")
        func issuerScheme() {
            #expect(throws: ReeError.self) { try OIDCAuthenticator(configuration: .init(issuer: "http://idp.example.org", audience: "a")) }
            #expect(throws: ReeError.self) { try OIDCAuthenticator(configuration: .init(issuer: "ftp://localhost", audience: "a")) }
            #expect(throws: Never.self) { try OIDCAuthenticator(configuration: .init(issuer: "https://idp.example.org/realms/x", audience: "a")) }
        }
    }
}
