/// The OpenAPI 3.1 document of the API, served at `GET /api/openapi.json`; `docs/openapi.json` is the
/// same text (a test compares them).
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "ree API",
    "version": "0.1.0",
    "description": "Build reproducible execution environments (REEs). Every route requires authentication: HTTP basic (development) or an OpenID Connect bearer token (deployment). A user sees only the processes they started; base images are visible to every authenticated user. Errors have the body {\"error\": \"...\"}."
  },
  "security": [
    {
      "basicAuth": []
    },
    {
      "bearerAuth": []
    }
  ],
  "paths": {
    "/api/recording/create": {
      "post": {
        "summary": "Start a process to define a new REE using the recording strategy.",
        "description": "Form fields: file (the project as a ZIP), tag, dockerfile.",
        "operationId": "recordingDefine",
        "requestBody": {
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
        "responses": {
          "200": {
            "description": "Successfully started the process.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProcessCreated"
                }
              }
            }
          },
          "400": {
            "description": "Incorrect request: no file, not a ZIP, an invalid tag or Dockerfile name, a malformed form.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
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
          "413": {
            "description": "The upload is larger than the server's limit.",
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
    "/api/recording/build": {
      "post": {
        "summary": "Start a process to build an REE that was defined using the recording strategy.",
        "description": "Form fields: file (the defined REE as a ZIP), tag.",
        "operationId": "recordingBuild",
        "requestBody": {
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
        },
        "responses": {
          "200": {
            "description": "Successfully started the process.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProcessCreated"
                }
              }
            }
          },
          "400": {
            "description": "Incorrect request: no file, not a ZIP, an invalid tag or Dockerfile name, a malformed form.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
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
          "413": {
            "description": "The upload is larger than the server's limit.",
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
    "/api/replay/create": {
      "post": {
        "summary": "Alias of /api/recording/build.",
        "description": "Form fields: file (the defined REE as a ZIP), tag.",
        "operationId": "replayCreate",
        "requestBody": {
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
        },
        "responses": {
          "200": {
            "description": "Successfully started the process.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProcessCreated"
                }
              }
            }
          },
          "400": {
            "description": "Incorrect request: no file, not a ZIP, an invalid tag or Dockerfile name, a malformed form.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
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
          "413": {
            "description": "The upload is larger than the server's limit.",
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
    "/api/sbom/define": {
      "post": {
        "summary": "Start a process to define a new REE using the SBOM strategy.",
        "description": "Form fields: file (the project as a ZIP), tag.",
        "operationId": "sbomDefine",
        "requestBody": {
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
        },
        "responses": {
          "200": {
            "description": "Successfully started the process.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProcessCreated"
                }
              }
            }
          },
          "400": {
            "description": "Incorrect request: no file, not a ZIP, an invalid tag or Dockerfile name, a malformed form.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
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
          "413": {
            "description": "The upload is larger than the server's limit.",
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
    "/api/process/status/{process_uuid}": {
      "get": {
        "summary": "Retrieve status details of a process.",
        "operationId": "processStatus",
        "parameters": [
          {
            "name": "process_uuid",
            "in": "path",
            "required": true,
            "description": "UUID of the process.",
            "schema": {
              "type": "string"
            }
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
          "404": {
            "description": "Process not found (unknown, malformed, or another user's).",
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
    "/api/process/log/{process_uuid}": {
      "get": {
        "summary": "Download the log of a process.",
        "operationId": "processLog",
        "parameters": [
          {
            "name": "process_uuid",
            "in": "path",
            "required": true,
            "description": "UUID of the process.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "follow",
            "in": "query",
            "required": false,
            "description": "With true, the response streams the log as it grows until the process ends.",
            "schema": {
              "type": "boolean"
            }
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
          "404": {
            "description": "Process not found (unknown, malformed, or another user's).",
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
    "/api/log/download/{process_uuid}": {
      "get": {
        "summary": "Download the log of a process. Alias of /api/process/log/{process_uuid}; the status response points here.",
        "operationId": "logDownload",
        "parameters": [
          {
            "name": "process_uuid",
            "in": "path",
            "required": true,
            "description": "UUID of the process.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "follow",
            "in": "query",
            "required": false,
            "description": "With true, the response streams the log as it grows until the process ends.",
            "schema": {
              "type": "boolean"
            }
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
          "404": {
            "description": "Process not found (unknown, malformed, or another user's).",
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
    "/api/process/download/{process_uuid}": {
      "get": {
        "summary": "Download the output of a process as a ZIP file.",
        "operationId": "processDownload",
        "parameters": [
          {
            "name": "process_uuid",
            "in": "path",
            "required": true,
            "description": "UUID of the process.",
            "schema": {
              "type": "string"
            }
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
          "404": {
            "description": "Process not found (unknown, malformed, or another user's).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
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
          }
        }
      }
    }
  },
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
