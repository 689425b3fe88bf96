// The official JSON-Schema-Test-Suite (Debian package json-schema-test-suite), draft-07, for
// every keyword the validator supports. Each case must give the suite's verdict.
#include "schema/schema_validator.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using herald::core::schema_validator;
using nlohmann::json;

namespace {

// Files of the keywords we support. ref.json, refRemote.json and definitions.json are left out
// on purpose: $ref is refused by design (plugin schemas are self-contained).
const char* const k_files[] = {
    "additionalItems.json", "additionalProperties.json", "allOf.json", "anyOf.json", "boolean_schema.json",
    "const.json", "contains.json", "default.json", "dependencies.json", "enum.json", "exclusiveMaximum.json",
    "exclusiveMinimum.json", "if-then-else.json", "items.json", "maxItems.json", "maxLength.json",
    "maxProperties.json", "maximum.json", "minItems.json", "minLength.json", "minProperties.json", "minimum.json",
    "multipleOf.json", "not.json", "oneOf.json", "pattern.json", "patternProperties.json", "properties.json",
    "propertyNames.json", "required.json", "type.json", "uniqueItems.json", "optional/format/email.json",
    "optional/format/uri.json"};

}  // namespace

TEST_CASE("official draft-07 suite passes for every supported keyword", "[schema][suite]") {
    std::size_t cases = 0;
    for (const char* file : k_files) {
        const std::string path = std::string(HERALD_SCHEMA_SUITE_DIR) + "/" + file;
        std::ifstream in(path);
        REQUIRE(in.good());
        const json groups = json::parse(in);
        for (const auto& group : groups) {
            INFO(file << ": " << group["description"].get<std::string>());
            std::unique_ptr<schema_validator> v;
            REQUIRE_NOTHROW(v = std::make_unique<schema_validator>(group["schema"]));
            for (const auto& t : group["tests"]) {
                INFO("test: " << t["description"].get<std::string>() << " data: " << t["data"].dump());
                CHECK(v->validate(t["data"]).empty() == t["valid"].get<bool>());
                ++cases;
            }
        }
    }
    // Guard against the suite silently going missing or shrinking.
    CHECK(cases >= 350);
}
