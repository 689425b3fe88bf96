#include "auth/authorizer.hpp"
#include "auth/password_hash.hpp"

#include <catch2/catch.hpp>

using namespace herald::core;
using nlohmann::json;

namespace {
std::string basic(const std::string& user, const std::string& pass) { return "Basic " + base64_encode(user + ":" + pass); }
}

TEST_CASE("password hashes verify the right password only, and are salted", "[auth]") {
    const auto h = hash_password("s3cret", 1000);
    CHECK(h.rfind("$pbkdf2-sha256$1000$", 0) == 0);
    CHECK(verify_password("s3cret", h));
    CHECK_FALSE(verify_password("s3cret!", h));
    CHECK(hash_password("s3cret", 1000) != h);
    CHECK_FALSE(verify_password("s3cret", "$pbkdf2-sha256$x$y$z"));
    CHECK_FALSE(verify_password("s3cret", "plain"));
}

TEST_CASE("base64 round-trips, with and without padding", "[auth]") {
    for (std::string s : {"", "a", "ab", "abc", "abcd"}) {
        std::string back;
        REQUIRE(base64_decode(base64_encode(s), back));
        CHECK(back == s);
    }
    std::string out;
    CHECK_FALSE(base64_decode("abc", out));
}

TEST_CASE("Pulp's 401s: no credentials, bad credentials, no permission", "[auth]") {
    json users = json::array({{{"login", "admin"}, {"password_hash", hash_password("pw", 1000)}, {"superuser", true}},
                              {{"login", "reader"}, {"password_hash", hash_password("rd", 1000)},
                               {"permissions", {{"/v2/events/", {"READ"}}}}}});
    authorizer a(users);
    auto none = a.authorize("", "/v2/events/", HERALD_OP_READ);
    CHECK(none.status == 401);
    CHECK(none.body["code"] == "PLP0025");
    CHECK(none.body["message"] == "Authentication failed.");
    CHECK(none.body["extra"]["auth_error_code"] == "authentication_failed");

    auto wrong = a.authorize(basic("admin", "nope"), "/v2/events/", HERALD_OP_READ);
    CHECK(wrong.body["code"] == "PLP0030");
    CHECK(wrong.body["message"] == "Authentication with username admin failed: invalid username or password");
    CHECK(wrong.body["data"] == json{{"user", "admin"}});
    CHECK(a.authorize(basic("ghost", "pw"), "/v2/events/", HERALD_OP_READ).body["code"] == "PLP0030");

    CHECK(a.authorize(basic("admin", "pw"), "/v2/events/", HERALD_OP_DELETE).status == 200);
    auto read = a.authorize(basic("reader", "rd"), "/v2/events/abc/", HERALD_OP_READ);
    CHECK(read.status == 200);
    CHECK(read.body["login"] == "reader");
    auto denied = a.authorize(basic("reader", "rd"), "/v2/events/", HERALD_OP_CREATE);
    CHECK(denied.status == 401);
    CHECK(denied.body["code"] == "PLP0026");
    CHECK(denied.body["message"] == "Permission denied: user reader cannot perform CREATE.");
    CHECK(denied.body["data"] == json{{"user", "reader"}, {"operation", "CREATE"}});
    CHECK(denied.body["extra"]["auth_error_code"] == "permission_denied");
}

TEST_CASE("a permission on a path grants it on its descendants only", "[auth]") {
    json users = json::array({{{"login", "u"}, {"password_hash", hash_password("p", 1000)},
                               {"permissions", {{"/v2/events", {"READ", "UPDATE"}}, {"/", {"EXECUTE"}}}}}});
    authorizer a(users);
    CHECK(a.permitted("u", "/v2/events/", HERALD_OP_READ));
    CHECK(a.permitted("u", "/v2/events/5f0c/", HERALD_OP_UPDATE));
    CHECK_FALSE(a.permitted("u", "/v2/", HERALD_OP_READ));             // an ancestor is not granted
    CHECK_FALSE(a.permitted("u", "/v2/event_reports/", HERALD_OP_READ));  // nor a sibling
    CHECK(a.permitted("u", "/v2/anything/", HERALD_OP_EXECUTE));        // "/" grants everywhere
    CHECK_FALSE(a.permitted("nobody", "/", HERALD_OP_READ));
}
