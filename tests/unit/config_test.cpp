#include "config/configuration.hpp"
#include "config/core_schema.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace herald::core;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct temp_config {
    fs::path path;
    explicit temp_config(const std::string& text) {
        static int n = 0;
        path = fs::temp_directory_path() / ("herald-config-test-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(n++) + ".yaml");
        std::ofstream(path) << text;
    }
    ~temp_config() { fs::remove(path); }
};

json full_schema() {
    json rest = json::parse(R"({"type":"object","properties":{"server":{"type":"object","default":{},
        "additionalProperties":false,"properties":{"port":{"type":"integer","default":8080},
        "host":{"type":"string","default":"127.0.0.1"}}}}})");
    return compose_config_schema(core_config_schema(), {rest});
}

}  // namespace

TEST_CASE("YAML scalars become typed JSON; quoted ones stay strings", "[config]") {
    auto doc = load_yaml_text("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: text\ng: [1, x]\n", "t.yaml");
    CHECK(doc.value["a"] == 1);
    CHECK(doc.value["b"] == "1");
    CHECK(doc.value["c"] == true);
    CHECK(doc.value["d"].is_null());
    CHECK(doc.value["e"] == 1.5);
    CHECK(doc.value["f"] == "text");
    CHECK(doc.value["g"] == json::array({1, "x"}));
    CHECK(doc.where("/g/1") == "t.yaml:7");
}

TEST_CASE("${ENV} is expanded before typing; a missing variable names file, line and key", "[config]") {
    ::setenv("HERALD_TEST_PORT", "9123", 1);
    ::unsetenv("HERALD_TEST_UNSET");
    auto doc = load_yaml_text("server:\n  port: ${HERALD_TEST_PORT}\n  host: ${HERALD_TEST_UNSET:-0.0.0.0}\n", "e.yaml");
    CHECK(doc.value["server"]["port"] == 9123);
    CHECK(doc.value["server"]["host"] == "0.0.0.0");
    CHECK_THROWS_WITH(load_yaml_text("server:\n  port: ${HERALD_TEST_UNSET}\n", "e.yaml"),
                      "e.yaml:2: key 'server.port': environment variable HERALD_TEST_UNSET is not set "
                      "(write ${HERALD_TEST_UNSET:-default} to give a default)");
}

TEST_CASE("unknown keys are errors with file, line, key and the allowed keys", "[config]") {
    temp_config f("server:\n  port: 80\n  prot: 81\nlogging:\n  level: loud\n");
    auto c = configuration::load(f.path.string(), {});
    try {
        c.validate_and_default(full_schema());
        FAIL("no error");
    } catch (const config_error& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains(f.path.string() + ":3: key 'server.prot' is not an allowed key; allowed keys: host, port"));
        CHECK_THAT(m, Catch::Contains(f.path.string() + ":5: key 'logging.level' must be one of: \"trace\""));
    }
}

TEST_CASE("an unknown section lists the known sections", "[config]") {
    temp_config f("databse:\n  url: x\n");
    auto c = configuration::load(f.path.string(), {});
    CHECK_THROWS_WITH(c.validate_and_default(full_schema()),
                      f.path.string() + ":1: key 'databse' is not an allowed key; allowed keys: auth, database, "
                                        "delivery, events, logging, plugins, server");
}

TEST_CASE("command-line overrides (--set) are typed and named in errors", "[config]") {
    temp_config f("server:\n  port: 80\n");
    auto c = configuration::load(f.path.string(), {"server.port=0", "logging.level=debug"});
    c.validate_and_default(full_schema());
    CHECK(c.root()["server"]["port"] == 0);
    CHECK(c.root()["logging"]["level"] == "debug");
    CHECK(c.root()["server"]["host"] == "127.0.0.1");  // default applied
    CHECK(c.root()["database"]["url"] == "sqlite:///var/lib/herald/herald.db");
    auto bad = configuration::load(f.path.string(), {"server.port=abc"});
    CHECK_THROWS_WITH(bad.validate_and_default(full_schema()),
                      "--set server.port=abc: key 'server.port' must be of type integer, not string");
    CHECK_THROWS_WITH(configuration::load(f.path.string(), {"noequals"}), Catch::Contains("expected section.key=value"));
}

TEST_CASE("YAML syntax errors and duplicate keys name the line", "[config]") {
    CHECK_THROWS_WITH(load_yaml_text("a: [1, 2\n", "s.yaml"), Catch::StartsWith("s.yaml:"));
    CHECK_THROWS_WITH(load_yaml_text("a: 1\na: 2\n", "d.yaml"), "d.yaml:2: key 'a' appears twice");
    CHECK_THROWS_WITH(configuration::load("/nonexistent/herald.yaml", {}),
                      "/nonexistent/herald.yaml: cannot read the configuration file");
}
