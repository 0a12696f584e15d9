extension OpenAPIDocument {
    /// Security schemes and the schemas the routes refer to, and the end of the document.
    static let components = #"""
  "components": {
    "securitySchemes": {
      "basicAuth": {
        "type": "http",
        "scheme": "basic"
      },
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT"
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "additionalProperties": false,
        "properties": {
          "error": {
            "type": "string"
          }
        }
      },
      "ProcessCreated": {
        "type": "object",
        "required": [
          "uuid",
          "tag",
          "status_endpoint"
        ],
        "additionalProperties": false,
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid"
          },
          "tag": {
            "type": [
              "string",
              "null"
            ]
          },
          "status_endpoint": {
            "type": "string"
          }
        }
      },
      "ProcessStatus": {
        "type": "object",
        "required": [
          "download_log_endpoint",
          "download_endpoint",
          "uuid",
          "tag",
          "status"
        ],
        "additionalProperties": false,
        "properties": {
          "download_log_endpoint": {
            "type": "string"
          },
          "download_endpoint": {
            "type": "string"
          },
          "uuid": {
            "type": "string",
            "format": "uuid"
          },
          "tag": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "type": "string",
            "enum": [
              "queued",
              "running",
              "processed",
              "failed"
            ]
          }
        }
      },
      "Image": {
        "type": "object",
        "required": [
          "name",
          "download_endpoint"
        ],
        "additionalProperties": false,
        "properties": {
          "name": {
            "type": "string"
          },
          "download_endpoint": {
            "type": "string"
          }
        }
      }
    }
  }
}

"""#
}
