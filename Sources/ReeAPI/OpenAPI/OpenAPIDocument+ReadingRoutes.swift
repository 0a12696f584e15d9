extension OpenAPIDocument {
    /// The routes that read processes (status, log, output) and images, and the document itself.
    static let readingRoutes = #"""
    "/api/process/status/{process_uuid}": {
      "get": {
        "summary": "Retrieve status details of a process.",
        "operationId": "processStatus",
        "parameters": [
          {
            "$ref": "#/components/parameters/ProcessUUID"
          }
        ],
        "responses": {
          "200": {
            "description": "Successfully retrieved status details.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProcessStatus"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/ProcessNotFound"
          }
        }
      }
    },
    "/api/process/log/{process_uuid}": {
      "get": {
        "summary": "Download the log of a process.",
        "operationId": "processLog",
        "parameters": [
          {
            "$ref": "#/components/parameters/ProcessUUID"
          },
          {
            "$ref": "#/components/parameters/Follow"
          }
        ],
        "responses": {
          "200": {
            "description": "Successfully downloaded the log.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/ProcessNotFound"
          }
        }
      }
    },
    "/api/log/download/{process_uuid}": {
      "get": {
        "summary": "Download the log of a process. Alias of /api/process/log/{process_uuid}; the status response points here.",
        "operationId": "logDownload",
        "parameters": [
          {
            "$ref": "#/components/parameters/ProcessUUID"
          },
          {
            "$ref": "#/components/parameters/Follow"
          }
        ],
        "responses": {
          "200": {
            "description": "Successfully downloaded the log.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/ProcessNotFound"
          }
        }
      }
    },
    "/api/process/download/{process_uuid}": {
      "get": {
        "summary": "Download the output of a process as a ZIP file.",
        "operationId": "processDownload",
        "parameters": [
          {
            "$ref": "#/components/parameters/ProcessUUID"
          }
        ],
        "responses": {
          "200": {
            "description": "Successfully downloaded the output.",
            "content": {
              "application/zip": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/ProcessNotFound"
          },
          "409": {
            "description": "The process is queued or running, or it failed: it has no output (yet).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/image/list": {
      "get": {
        "summary": "Retrieve a list of available base images.",
        "operationId": "imageList",
        "responses": {
          "200": {
            "description": "Successfully retrieved the list of images.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Image"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/api/image/download/{image_name}": {
      "get": {
        "summary": "Download the base image with the given name, in TAR format (an OCI image layout that docker load also reads).",
        "operationId": "imageDownload",
        "parameters": [
          {
            "name": "image_name",
            "in": "path",
            "required": true,
            "description": "Name of the image.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Successfully downloaded the image.",
            "content": {
              "application/x-tar": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "description": "Image not found.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/api/openapi.json": {
      "get": {
        "summary": "This document.",
        "operationId": "openapi",
        "responses": {
          "200": {
            "description": "The OpenAPI document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Metrics in the Prometheus text format: requests, durations, queue length, process durations.",
        "operationId": "metrics",
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    }
  },

"""#
}
