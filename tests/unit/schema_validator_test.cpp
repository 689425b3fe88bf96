#include "schema/schema_validator.hpp"

#include <catch2/catch.hpp>

using herald::core::invalid_schema;
using herald::core::schema_validator;
using nlohmann::json;

namespace {
const json k_http_like = json::parse(R"({
  "type": "object", "required": ["url"], "additionalProperties": false,
  "properties": {
    "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
    "password": {"type": "string", "writeOnly": true},
    "timeout_ms": {"type": "integer", "minimum": 1, "default": 15000},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}, "default": {}},
    "nested": {"type": "object", "default": {}, "properties": {"inner": {"type": "integer", "default": 3}}}
  }
})");
}

TEST_CASE("violations carry the JSON pointer of the offending value", "[schema]") {
    schema_validator v(k_http_like);
    auto errors = v.validate(json::parse(R"({"timeout_ms": 0, "headers": {"X-A": 1}, "bogus": true})"));
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].pointer == "/url");
    CHECK(errors[0].message == "is required but missing");
    std::map<std::string, std::string> by_pointer;
    for (const auto& e : errors) by_pointer[e.pointer] = e.message;
    CHECK(by_pointer["/timeout_ms"] == "must be at least 1");
    CHECK(by_pointer["/headers/X-A"] == "must be of type string, not integer");
    CHECK(by_pointer["/bogus"] == "is not an allowed key; allowed keys: headers, nested, password, timeout_ms, url");
}

TEST_CASE("format uri and pattern are both enforced", "[schema]") {
    schema_validator v(k_http_like);
    CHECK(v.validate(json{{"url", "https://example.com/hook"}}).empty());
    auto errors = v.validate(json{{"url", "not a uri"}});
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message == "must match the pattern \"^https?://\"");
    CHECK(errors[1].message == "must be an absolute URI (e.g. https://host/path)");
}

TEST_CASE("defaults fill absent properties, recursively into defaulted objects", "[schema]") {
    schema_validator v(k_http_like);
    json cfg = {{"url", "http://x/"}, {"timeout_ms", 5}};
    v.apply_defaults(cfg);
    CHECK(cfg["timeout_ms"] == 5);
    CHECK(cfg["headers"] == json::object());
    CHECK(cfg["nested"]["inner"] == 3);
}

TEST_CASE("writeOnly values are redacted, others untouched", "[schema]") {
    schema_validator v(k_http_like);
    json cfg = {{"url", "http://x/"}, {"password", "hunter2"}};
    v.redact(cfg);
    CHECK(cfg["password"] == "********");
    CHECK(cfg["url"] == "http://x/");
    json none = {{"url", "http://x/"}};
    v.redact(none);
    CHECK_FALSE(none.contains("password"));
}

TEST_CASE("unusable schemas are refused with the keyword's pointer", "[schema]") {
    CHECK_THROWS_WITH(schema_validator(json::parse(R"({"type": "nonsense"})")),
                      Catch::Contains("'/type'"));
    CHECK_THROWS_WITH(schema_validator(json::parse(R"({"properties": {"a": {"$ref": "#/x"}}})")),
                      Catch::Contains("'/properties/a/$ref' is not supported"));
    CHECK_THROWS_WITH(schema_validator(json::parse(R"({"pattern": "(unclosed"})")),
                      Catch::Contains("not a valid regular expression"));
    CHECK_THROWS_AS(schema_validator(json::parse(R"({"minLength": -1})")), invalid_schema);
    CHECK_THROWS_AS(schema_validator(json::parse(R"({"anyOf": []})")), invalid_schema);
    CHECK_THROWS_AS(schema_validator(json(42)), invalid_schema);
}

TEST_CASE("oneOf counts matches; not inverts", "[schema]") {
    schema_validator one(json::parse(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})"));
    CHECK(one.validate(1).empty());
    CHECK(one.validate(3.5).empty());
    auto both = one.validate(3);
    REQUIRE(both.size() == 1);
    CHECK(both[0].message == "must match exactly one of the oneOf alternatives (matches 2)");
    schema_validator neg(json::parse(R"({"not": {"type": "string"}})"));
    CHECK(neg.validate(1).empty());
    CHECK(neg.validate("s").size() == 1);
}

TEST_CASE("string lengths count code points, not bytes", "[schema]") {
    schema_validator v(json::parse(R"({"maxLength": 2})"));
    CHECK(v.validate("\xC3\xA9\xC3\xA9").empty());  // "éé": 4 bytes, 2 characters
    CHECK(v.validate("abc").size() == 1);
}
