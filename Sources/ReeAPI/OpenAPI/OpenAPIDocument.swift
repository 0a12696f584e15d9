/// The OpenAPI 3.1 document of the API, served at `GET /api/openapi.json`; `docs/openapi.json` is the
/// same text (a test compares them). Kept as text in three parts by concept: the routes that start
/// processes (here), the routes that read processes and images, and the shared components.
enum OpenAPIDocument {
    static let json = creationRoutes + readingRoutes + components

    /// The head of the document and the routes that start processes.
    static let creationRoutes = #"""
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
        "description": "Form fields: file (the defined REE as a ZIP, strategy recording or sbom), tag.",
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
        "description": "Form fields: file (the defined REE as a ZIP, strategy recording or sbom), tag.",
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
        "description": "Form fields: file (the project as a ZIP, with a Dockerfile at its root), tag. The process builds the project with the network and pins what it installed; its download is the REE ZIP of strategy sbom.",
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

"""#
}
