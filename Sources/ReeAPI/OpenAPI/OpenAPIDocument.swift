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
          "$ref": "#/components/requestBodies/ProjectUpload"
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
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
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
          "$ref": "#/components/requestBodies/DefinitionUpload"
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
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
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
          "$ref": "#/components/requestBodies/DefinitionUpload"
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
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
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
          "$ref": "#/components/requestBodies/DefinitionUpload"
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
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          }
        }
      }
    },

"""#
}
