// The loader against real plugin files: the recorder loads; every broken fixture is refused
// with one clear reason, and the registry goes on working.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;
using herald::test::fixture;
using nlohmann::json;

namespace {
/// Delivers a tiny event with `config` through `plugin`; `status` receives deliver's return.
herald_delivery_result deliver(const plugin_instance& plugin, const json& config, herald_status& status) {
    static const std::string doc = "{}", id = "x";
    const std::string cfg = config.dump();
    const herald_event ev = herald::test::make_event(id, cfg, doc);
    herald_delivery_result r{};
    r.struct_size = sizeof r;
    status = plugin.deliver(ev, r);
    return r;
}
}  // namespace

TEST_CASE("a good plugin loads with its metadata and schema", "[loader]") {
    auto c = inspect_plugin(fixture("recorder.so"));
    CHECK(c.info.type_id == "recorder");
    CHECK(c.info.aliases == std::vector<std::string>{"tape"});
    CHECK(c.info.kind == HERALD_PLUGIN_NOTIFIER);
    CHECK(c.info.abi_major == HERALD_ABI_MAJOR);
    CHECK(c.info.config_schema["required"] == json{"file"});
    REQUIRE(c.config_validator);
    CHECK(c.config_validator->validate(json::object()).size() == 1);
}

TEST_CASE("the bundled rest plugin is a service that owns the server section", "[loader]") {
    auto c = inspect_plugin(std::string(HERALD_BUNDLED_PLUGIN_DIR) + "/rest.so");
    CHECK(c.info.kind == HERALD_PLUGIN_SERVICE);
    CHECK(c.info.sections() == std::vector<std::string>{"server"});
    CHECK_FALSE(c.info.documentation.empty());
}

TEST_CASE("broken plugins are refused with the reason", "[loader]") {
    CHECK_THROWS_WITH(inspect_plugin(fixture("abi_major.so")),
                      "wrong ABI major version (plugin ABI 99.3, heraldd ABI 1.3); rebuild it against this SDK");
    CHECK_THROWS_WITH(inspect_plugin(fixture("abi_minor.so")),
                      "built for a newer ABI (plugin ABI 1.4, heraldd ABI 1.3); upgrade heraldd");
    CHECK_THROWS_WITH(inspect_plugin(fixture("no_entry.so")), Catch::StartsWith("has no entry symbol 'herald_plugin_entry'"));
    CHECK_THROWS_WITH(inspect_plugin(fixture("bad_schema.so")),
                      Catch::StartsWith("invalid listener config schema: schema keyword '/type'"));
    CHECK_THROWS_WITH(inspect_plugin(fixture("missing_dep.so")),
                      Catch::Contains("libherald_gone.so: cannot open shared object file"));
    CHECK_THROWS_WITH(inspect_plugin(fixture("does_not_exist.so")), Catch::StartsWith("cannot be loaded"));
}

TEST_CASE("the registry refuses a failing create and a duplicate id, and keeps the rest", "[loader]") {
    herald::test::plugin_world w;
    CHECK_FALSE(w.registry.activate(inspect_plugin(fixture("create_throws.so")), json::object()));
    CHECK_FALSE(w.registry.activate(inspect_plugin(fixture("recorder_copy.so")), json::object()));
    auto refusals = w.registry.refusals();
    REQUIRE(refusals.size() == 2);
    CHECK(refusals[0].reason == "create failed: cannot reach the moon");
    CHECK_THAT(refusals[1].reason, Catch::StartsWith("duplicate type id 'recorder' (already provided by"));
    REQUIRE(w.registry.find("recorder"));
    CHECK(w.registry.find("tape") == w.registry.find("recorder"));
    CHECK_FALSE(w.registry.find("throwing"));
    CHECK(w.registry.all().size() == 1);
}

TEST_CASE("a plugin stays loaded while a delivery holds it, even after the registry is gone", "[loader]") {
    std::shared_ptr<plugin_instance> held;
    herald::test::temp_dir dir;
    const std::string file = (dir.path / "out.jsonl").string();
    {
        herald::test::plugin_world w;
        held = w.registry.find("recorder");
    }
    herald_status status{};
    auto r = deliver(*held, json{{"file", file}}, status);
    CHECK(status == HERALD_STATUS_OK);  // would crash if the library had been unloaded
    CHECK(r.outcome == HERALD_OUTCOME_OK);
}

TEST_CASE("exceptions thrown by deliver become a retry with the message", "[loader]") {
    herald::test::plugin_world w;
    herald::test::temp_dir dir;
    herald_status status{};
    auto r = deliver(*w.registry.find("recorder"), json{{"file", (dir.path / "o.jsonl").string()}, {"outcome", "throw"}},
                     status);
    CHECK(status == HERALD_STATUS_ERROR);
    CHECK(r.outcome == HERALD_OUTCOME_RETRY);
    CHECK(std::string(r.message) == "recorder: thrown on purpose");
}

TEST_CASE("a new file is loaded by rescan only once it has settled", "[loader]") {
    herald::test::plugin_world w;
    herald::test::temp_dir dir;
    std::filesystem::copy_file(fixture("create_throws.so"), dir.path / "late.so");
    // With a long settle time a freshly seen file is left alone...
    CHECK(w.registry.rescan(dir.path, json::object(), 60000));
    CHECK(w.registry.refusals().empty());
    // ...and with none it is handled (here: refused, since its create throws).
    CHECK_FALSE(w.registry.rescan(dir.path, json::object(), 0));
    REQUIRE(w.registry.refusals().size() == 1);
    // The same unchanged file is not tried again.
    CHECK_FALSE(w.registry.rescan(dir.path, json::object(), 0));
    CHECK(w.registry.refusals().size() == 1);
}
