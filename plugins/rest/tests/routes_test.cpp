#include "routes.hpp"

#include <catch2/catch.hpp>

using namespace herald::rest;

TEST_CASE("every endpoint maps to its Pulp permission and resource path", "[rest]") {
    struct row { const char* method; const char* path; endpoint e; herald_operation op; const char* resource; };
    const row rows[] = {
        {"GET", "/pulp/api/v2/events/", endpoint::list_listeners, HERALD_OP_READ, "/v2/events/"},
        {"POST", "/pulp/api/v2/events/", endpoint::create_listener, HERALD_OP_CREATE, "/v2/events/"},
        {"GET", "/pulp/api/v2/events/abc/", endpoint::get_listener, HERALD_OP_READ, "/v2/events/abc/"},
        {"PUT", "/pulp/api/v2/events/abc/", endpoint::update_listener, HERALD_OP_UPDATE, "/v2/events/abc/"},
        {"DELETE", "/pulp/api/v2/events/abc/", endpoint::delete_listener, HERALD_OP_DELETE, "/v2/events/abc/"},
        {"POST", "/pulp/api/v2/event_reports/", endpoint::fire_event, HERALD_OP_CREATE, "/v2/event_reports/"},
        {"GET", "/pulp/api/v2/event_reports/x/", endpoint::get_event_report, HERALD_OP_READ, "/v2/event_reports/x/"},
        {"GET", "/pulp/api/v2/notifier_types/", endpoint::notifier_types, HERALD_OP_READ, "/v2/notifier_types/"},
    };
    for (const auto& r : rows) {
        INFO(r.method << " " << r.path);
        auto got = resolve(r.method, r.path);
        CHECK(got.what == r.e);
        CHECK(got.operation == r.op);
        CHECK(got.resource_path == r.resource);
        CHECK(got.needs_auth);
    }
    CHECK(resolve("GET", "/pulp/api/v2/events/abc/").id == "abc");
    CHECK_FALSE(resolve("GET", "/pulp/api/v2/status/").needs_auth);
}

TEST_CASE("unknown URLs are not found; known ones with another method are 405", "[rest]") {
    for (const char* p : {"/", "/pulp/api/v2/events/a/b/", "/pulp/api/v2/events", "/pulp/api/v3/events/",
                          "/v2/events/", "/pulp/api/v2/nothing/", "/pulp/api/v2//events/"})
        CHECK(resolve("GET", p).what == endpoint::not_found);
    auto r = resolve("PATCH", "/pulp/api/v2/events/abc/");
    CHECK(r.what == endpoint::method_not_allowed);
    CHECK(r.allow == "GET, PUT, DELETE");
    CHECK(resolve("DELETE", "/pulp/api/v2/events/").allow == "GET, POST");
}
