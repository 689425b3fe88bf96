#include "config/core_schema.hpp"

namespace herald::core {

const nlohmann::json& default_event_types() {
    static const nlohmann::json types = {"repo.sync.start", "repo.sync.finish", "repo.publish.start",
                                         "repo.publish.finish"};
    return types;
}

const nlohmann::json& core_config_schema() {
    static const nlohmann::json schema = nlohmann::json::parse(R"json({
  "type": "object",
  "properties": {
    "database": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "url": {"type": "string", "default": "sqlite:///var/lib/herald/herald.db",
                "pattern": "^sqlite://.+",
                "description": "sqlite:///abs/path or sqlite://path/relative/to/the/config/file"}
      }
    },
    "plugins": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "dir": {"type": "string", "minLength": 1,
                "description": "directory of plugin .so files; relative to the config file; default <heraldd>/../lib/herald/plugins"},
        "watch": {"type": "boolean", "default": true,
                  "description": "load .so files dropped into plugins.dir while running"},
        "settle_ms": {"type": "integer", "minimum": 0, "default": 500,
                      "description": "a new file must stay unchanged this long before it is loaded"}
      }
    },
    "logging": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "level": {"enum": ["trace", "debug", "info", "warn", "error"], "default": "info"}
      }
    },
    "auth": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "users": {
          "type": "array", "default": [],
          "items": {
            "type": "object", "additionalProperties": false, "required": ["login", "password_hash"],
            "properties": {
              "login": {"type": "string", "minLength": 1},
              "password_hash": {"type": "string", "pattern": "^\\$pbkdf2-sha256\\$[0-9]+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$",
                                "description": "from heraldd --hash-password"},
              "superuser": {"type": "boolean", "default": false},
              "permissions": {
                "type": "object",
                "propertyNames": {"pattern": "^/"},
                "additionalProperties": {"type": "array", "uniqueItems": true,
                                         "items": {"enum": ["CREATE", "READ", "UPDATE", "DELETE", "EXECUTE"]}}
              }
            }
          }
        }
      }
    },
    "events": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "types": {"type": "array", "minItems": 1, "uniqueItems": true,
                  "items": {"type": "string", "pattern": "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$"},
                  "default": ["repo.sync.start", "repo.sync.finish", "repo.publish.start", "repo.publish.finish"]}
      }
    },
    "delivery": {
      "type": "object", "default": {}, "additionalProperties": false,
      "properties": {
        "workers": {"type": "integer", "minimum": 1, "maximum": 256, "default": 8},
        "max_in_flight_per_listener": {"type": "integer", "minimum": 1, "maximum": 256, "default": 4,
          "description": "attempts of one listener running at once, so a slow receiver cannot take every worker"},
        "lease_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 15000,
          "description": "how long this server's claim on the outbox lasts without renewal"},
        "max_retry_after_ms": {"type": "integer", "minimum": 0, "default": 86400000,
          "description": "the longest delay a receiver's Retry-After can ask for"},
        "retry_schedule_ms": {
          "type": "array", "items": {"type": "integer", "minimum": 0},
          "default": [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000],
          "description": "delay before each attempt; the first entry is the first attempt"
        }
      }
    }
  }
})json");
    return schema;
}

}  // namespace herald::core
