import ReeOCI

/// CycloneDX 1.6 JSON: the image is `metadata.component` (with its base images as
/// `pedigree.ancestors`), every package a `library` component with its purl, the OS an
/// `operating-system` component. Files that could not be read are `ree:unreadable` properties.
public enum CycloneDXWriter {
    public static func document(_ catalog: Catalog, subject: SBOMSubject, tool: SBOMTool) throws -> [UInt8] {
        let references = BOMReferences(catalog.packages)
        var components: [Component] = catalog.packages.enumerated().map { i, p in
            var properties: [Property] = [Property(name: "ree:package:ecosystem", value: p.ecosystem.rawValue),
                                          Property(name: "ree:location", value: p.location)]
            if let a = p.architecture { properties.append(Property(name: "ree:package:architecture", value: a)) }
            if let s = p.sourceName { properties.append(Property(name: "ree:package:source-name", value: s)) }
            if let s = p.sourceVersion { properties.append(Property(name: "ree:package:source-version", value: s)) }
            return Component(type: "library", bomRef: references.refs[i], name: p.name, version: p.version.isEmpty ? nil : p.version,
                             purl: p.purl, licenses: p.licenses.isEmpty ? nil : p.licenses.map(LicenseChoice.init),
                             properties: properties.sorted { ($0.name, $0.value) < ($1.name, $1.value) })
        }
        if let os = catalog.os {
            components.insert(Component(type: "operating-system", bomRef: "os:\(os.id)@\(os.versionID ?? "")", name: os.id,
                                        version: os.versionID, description: os.prettyName), at: 0)
        }

        var image = Component(type: "container", bomRef: "image", name: subject.name, version: subject.digest?.description,
                              purl: subject.purl)
        if !subject.baseImages.isEmpty {
            image.pedigree = Pedigree(ancestors: subject.baseImages.sorted { ($0.name, $0.digest) < ($1.name, $1.digest) }.map {
                Component(type: "container", bomRef: "base-image:\($0.name)@\($0.digest)", name: $0.name, version: $0.digest.description, purl: $0.purl)
            })
        }
        var properties = subject.baseImages.map { Property(name: "ree:base-image", value: "\($0.name)@\($0.digest)") }
        properties += catalog.unreadable.map { Property(name: "ree:unreadable", value: $0.description) }
        if let arch = subject.architecture { properties.append(Property(name: "ree:image:architecture", value: arch)) }

        let bom = BOM(serialNumber: "urn:uuid:" + subject.uuid("cyclonedx"),
                      metadata: Metadata(timestamp: subject.timestamp,
                                         tools: Tools(components: [Component(type: "application", bomRef: "tool:\(tool.name)", name: tool.name, version: tool.version)]),
                                         component: image,
                                         properties: properties.isEmpty ? nil : properties.sorted { ($0.name, $0.value) < ($1.name, $1.value) }),
                      components: components,
                      dependencies: [Dependency(ref: "image", dependsOn: components.map(\.bomRef))])
        return Array((try CanonicalJSON.encodePretty(bom) + "\n").utf8)
    }

    struct BOM: Encodable {
        let bomFormat = "CycloneDX"
        let specVersion = "1.6"
        let version = 1
        let serialNumber: String
        let metadata: Metadata
        let components: [Component]
        let dependencies: [Dependency]
    }

    struct Metadata: Encodable {
        let timestamp: String
        let tools: Tools
        let component: Component
        let properties: [Property]?
    }

    struct Tools: Encodable { let components: [Component] }

    struct Component: Encodable {
        var type: String
        var bomRef: String
        var name: String
        var version: String?
        var description: String?
        var purl: String?
        var licenses: [LicenseChoice]?
        var pedigree: Pedigree?
        var properties: [Property]?

        init(type: String, bomRef: String, name: String, version: String? = nil, description: String? = nil, purl: String? = nil,
             licenses: [LicenseChoice]? = nil, properties: [Property]? = nil) {
            self.type = type
            self.bomRef = bomRef
            self.name = name
            self.version = version
            self.description = description
            self.purl = purl
            self.licenses = licenses
            self.properties = properties
        }

        enum CodingKeys: String, CodingKey {
            case type, name, version, description, purl, licenses, pedigree, properties
            case bomRef = "bom-ref"
        }
    }

    struct Pedigree: Encodable { let ancestors: [Component] }

    struct LicenseChoice: Encodable {
        let license: LicenseObject
        init(_ l: License) {
            switch l {
            case .spdx(let id): license = LicenseObject(id: id, name: nil)
            case .named(let name): license = LicenseObject(id: nil, name: name)
            }
        }
    }

    struct LicenseObject: Encodable {
        let id: String?
        let name: String?
    }

    struct Property: Encodable {
        let name: String
        let value: String
    }

    struct Dependency: Encodable {
        let ref: String
        let dependsOn: [String]
    }
}

/// Unique, stable references for packages: the purl, with `#location` added where two packages share it.
struct BOMReferences {
    let refs: [String]

    init(_ packages: [Package]) {
        var counts: [String: Int] = [:]
        for p in packages { counts[p.purl, default: 0] += 1 }
        var used = Set<String>()
        var refs: [String] = []
        for p in packages {
            var ref = counts[p.purl, default: 0] > 1 ? p.purl + "#" + p.location : p.purl
            var n = 2
            while used.contains(ref) { ref = p.purl + "#" + p.location + "#\(n)"; n += 1 }
            used.insert(ref)
            refs.append(ref)
        }
        self.refs = refs
    }
}
