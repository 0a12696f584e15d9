extension OpenAPIDocument {
    /// What the routes refer to (security schemes, parameters, request bodies, responses, schemas), and the end of the document.
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
    "parameters": {
      "ProcessUUID": {
        "name": "process_uuid",
        "in": "path",
        "required": true,
        "description": "UUID of the process.",
        "schema": {
          "type": "string"
        }
      },
      "Follow": {
        "name": "follow",
        "in": "query",
        "required": false,
        "description": "With true, the response streams the log as it grows until the process ends.",
        "schema": {
          "type": "boolean"
        }
      }
    },
    "requestBodies": {
      "ProjectUpload": {
        "required": true,
        "content": {
          "multipart/form-data": {
            "schema": {
              "type": "object",
              "required": [
                "file"
              ],
              "properties": {
                "file": {
                  "type": "string",
                  "format": "binary",
                  "description": "The ZIP file."
                },
                "tag": {
                  "type": "string",
                  "maxLength": 128,
                  "description": "Optional, tag for the started process: letters, digits and . _ - : / (starting with a letter or digit); empty means none.",
                  "pattern": "^$|^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"
                },
                "dockerfile": {
                  "type": "string",
                  "maxLength": 4096,
                  "description": "Optional, name of the Dockerfile inside the project (default 'Dockerfile'); relative, without '..'."
                }
              }
            },
            "encoding": {
              "file": {
                "contentType": "application/zip, application/octet-stream"
              }
            }
          }
        }
      },
      "DefinitionUpload": {
        "required": true,
        "content": {
          "multipart/form-data": {
            "schema": {
              "type": "object",
              "required": [
                "file"
              ],
              "properties": {
                "file": {
                  "type": "string",
                  "format": "binary",
                  "description": "The ZIP file."
                },
                "tag": {
                  "type": "string",
                  "maxLength": 128,
                  "description": "Optional, tag for the started process: letters, digits and . _ - : / (starting with a letter or digit); empty means none.",
                  "pattern": "^$|^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$"
                }
              }
            },
            "encoding": {
              "file": {
                "contentType": "application/zip, application/octet-stream"
              }
            }
          }
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "Incorrect request: no file, not a ZIP, an invalid tag or Dockerfile name, a malformed form.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "Missing or invalid credentials.",
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string"
            },
            "description": "`Basic realm=\"ree\"` or `Bearer realm=\"ree\"`."
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TooLarge": {
        "description": "The upload is larger than the server's limit.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "ProcessNotFound": {
        "description": "Process not found (unknown, malformed, or another user's).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
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
