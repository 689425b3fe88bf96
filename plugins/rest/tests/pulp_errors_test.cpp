#include "pulp_errors.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;

TEST_CASE("a 404 renders exactly as Pulp's example (pulp-spec §3.7)", "[rest]") {
    json core = {{"code", "PLP0009"},
                 {"message", "Missing resource(s): event_listener=foo"},
                 {"data", {{"resources", {{"event_listener", "foo"}}}}},
                 {"extra", {{"resources", {{"event_listener", "foo"}}}}},
                 {"sub_errors", json::array()}};
    json expected = json::parse(R"({"_href": "/pulp/api/v2/events/foo/", "http_status": 404, "http_request_method": "GET",
 "error_message": "Missing resource(s): event_listener=foo", "exception": null, "traceback": null,
 "resources": {"event_listener": "foo"},
 "error": {"code": "PLP0009", "description": "Missing resource(s): event_listener=foo",
           "data": {"resources": {"event_listener": "foo"}}, "sub_errors": []}})");
    CHECK(herald::rest::pulp_error_body(404, core, "/pulp/api/v2/events/foo/", "GET") == expected);
}

TEST_CASE("a 500 carries exception and traceback lists", "[rest]") {
    json core = {{"code", "PLP0000"}, {"message", "boom"}, {"data", json::object()}, {"extra", json::object()},
                 {"sub_errors", json::array()}};
    auto body = herald::rest::pulp_error_body(500, core, "/x?y=1", "POST");
    CHECK(body["exception"] == json::array({"boom"}));
    CHECK(body["traceback"].is_array());
    CHECK(body["_href"] == "/x?y=1");
}
